using System.Globalization;

namespace DaprPlatform.Web.Features.Tutor;

/// <summary>
/// One weekly window in the tutor's own zone, e.g. Monday 09:00–12:00: minutes after local midnight, an end of 1440 being
/// "24:00". The wire form is tutoring's <c>{"day":"monday","start":"09:00","end":"12:00"}</c>.
/// </summary>
public sealed record WeeklyWindow(DayOfWeek Day, int StartMinute, int EndMinute)
{
    public const int MinutesPerDay = 24 * 60;

    public AvailabilityRuleBody ToBody() => new(Day.ToString().ToLowerInvariant(), WireTime(StartMinute), WireTime(EndMinute));

    /// <summary>Reads a rule tutoring answered; false for anything it would not have stored.</summary>
    public static bool TryRead(AvailabilityRuleBody body, out WeeklyWindow window)
    {
        ArgumentNullException.ThrowIfNull(body);
        window = default!;
        var day = WeekGrid.Days.FirstOrDefault(d => string.Equals(d.ToString(), body.Day, StringComparison.OrdinalIgnoreCase), (DayOfWeek)(-1));
        if ((int)day < 0 || !TryReadTime(body.Start, out var start) || !TryReadTime(body.End, out var end) || start >= end)
        {
            return false;
        }

        window = new WeeklyWindow(day, start, end);
        return true;
    }

    /// <summary>"Monday, 9:00 AM – 12:00 PM" in the person's culture (the zone is labelled by the page).</summary>
    public string Describe(CultureInfo culture) =>
        $"{culture.DateTimeFormat.GetDayName(Day)}, {TimeText(StartMinute, culture)} – {TimeText(EndMinute, culture)}";

    /// <summary>
    /// A minute of the day as the culture writes a short time; 24:00 reads as the next midnight. ICU puts a narrow no-break
    /// space before "AM"; a plain one keeps the cells' accessible names typeable (speech input, find in page).
    /// </summary>
    public static string TimeText(int minute, CultureInfo culture) =>
        new TimeOnly(minute % MinutesPerDay / 60, minute % 60).ToString("t", culture).Replace('\u202F', ' ').Replace('\u00A0', ' ');

    private static string WireTime(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    private static bool TryReadTime(string? text, out int minute)
    {
        minute = 0;
        if (text is not { Length: 5 } || text[2] != ':'
            || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > 59)
        {
            return false;
        }

        minute = (hours * 60) + minutes;
        return minute <= MinutesPerDay;
    }
}

/// <summary>
/// The weekly availability editor's state: 7 days (Monday first) × rows of <see cref="CellMinutes"/> from
/// <see cref="FirstMinute"/> to <see cref="EndMinute"/>. Contiguous selected cells of a day are one window; a drag paints the
/// rectangle between where it started and where the pointer is, all cells to the state the first cell was toggled to.
/// </summary>
public sealed class WeekGrid
{
    public const int DefaultFirstMinute = 6 * 60;
    public const int DefaultEndMinute = 22 * 60;
    public const int DefaultCellMinutes = 30;

    /// <summary>Tutoring stores times on a 15-minute grid; a window off the half hour needs cells that small.</summary>
    public const int FineCellMinutes = 15;

    private readonly bool[,] _selected;
    private bool[,]? _beforePaint;
    private (int Day, int Row) _anchor;
    private bool _paintValue;

    public WeekGrid(int firstMinute = DefaultFirstMinute, int endMinute = DefaultEndMinute, int cellMinutes = DefaultCellMinutes)
    {
        if (cellMinutes is not (FineCellMinutes or 30 or 60))
        {
            throw new ArgumentOutOfRangeException(nameof(cellMinutes), cellMinutes, "Cells are 15, 30 or 60 minutes.");
        }

        if (firstMinute < 0 || endMinute > WeeklyWindow.MinutesPerDay || firstMinute >= endMinute
            || firstMinute % cellMinutes != 0 || endMinute % cellMinutes != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstMinute), "The grid spans whole cells within one day.");
        }

        FirstMinute = firstMinute;
        EndMinute = endMinute;
        CellMinutes = cellMinutes;
        _selected = new bool[Days.Count, RowCount];
    }

    /// <summary>Columns, Monday first (the week as a timetable shows it).</summary>
    public static IReadOnlyList<DayOfWeek> Days { get; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public int FirstMinute { get; }
    public int EndMinute { get; }
    public int CellMinutes { get; }
    public int RowCount => (EndMinute - FirstMinute) / CellMinutes;
    public bool CoversWholeDay => FirstMinute == 0 && EndMinute == WeeklyWindow.MinutesPerDay;
    public bool IsPainting => _beforePaint is not null;

    public int SelectedCount
    {
        get
        {
            var count = 0;
            foreach (var cell in _selected)
            {
                count += cell ? 1 : 0;
            }

            return count;
        }
    }

    public int StartMinuteOf(int row) => FirstMinute + (row * CellMinutes);

    public bool IsSelected(int day, int row) => _selected[day, row];

    public void Set(int day, int row, bool selected) => _selected[day, row] = selected;

    public void Toggle(int day, int row) => _selected[day, row] = !_selected[day, row];

    public void Clear()
    {
        EndPaint();
        Array.Clear(_selected);
    }

    /// <summary>A press on a cell: it flips, and a drag from here paints every cell it covers to that same state.</summary>
    public void BeginPaint(int day, int row)
    {
        _beforePaint = (bool[,])_selected.Clone();
        _anchor = (day, row);
        _paintValue = !_selected[day, row];
        _selected[day, row] = _paintValue;
    }

    /// <summary>
    /// The drag reached (<paramref name="day"/>, <paramref name="row"/>): the rectangle between it and the start is painted,
    /// everything else is as before the drag (so dragging back un-paints). Ignored when no drag is going on.
    /// </summary>
    public void PaintTo(int day, int row)
    {
        if (_beforePaint is null)
        {
            return;
        }

        Array.Copy(_beforePaint, _selected, _selected.Length);
        var (fromDay, toDay) = (Math.Min(_anchor.Day, day), Math.Max(_anchor.Day, day));
        var (fromRow, toRow) = (Math.Min(_anchor.Row, row), Math.Max(_anchor.Row, row));
        for (var d = fromDay; d <= toDay; d++)
        {
            for (var r = fromRow; r <= toRow; r++)
            {
                _selected[d, r] = _paintValue;
            }
        }
    }

    public void EndPaint() => _beforePaint = null;

    /// <summary>The selection as windows: per day (Monday first) each run of contiguous selected cells is one window.</summary>
    public IReadOnlyList<WeeklyWindow> ToWindows()
    {
        var windows = new List<WeeklyWindow>();
        for (var day = 0; day < Days.Count; day++)
        {
            var row = 0;
            while (row < RowCount)
            {
                if (!_selected[day, row])
                {
                    row++;
                    continue;
                }

                var start = row;
                while (row < RowCount && _selected[day, row])
                {
                    row++;
                }

                windows.Add(new WeeklyWindow(Days[day], StartMinuteOf(start), StartMinuteOf(row)));
            }
        }

        return windows;
    }

    /// <summary>
    /// A grid showing <paramref name="windows"/>: 06:00–22:00 in half hours unless a window needs more (earlier, later, or
    /// off the half hour), so loading and saving never loses or moves what the tutor has.
    /// </summary>
    public static WeekGrid FromWindows(IEnumerable<WeeklyWindow> windows, bool wholeDay = false)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var all = windows.ToList();
        var first = wholeDay ? 0 : DefaultFirstMinute;
        var end = wholeDay ? WeeklyWindow.MinutesPerDay : DefaultEndMinute;
        foreach (var window in all)
        {
            first = Math.Min(first, window.StartMinute / 60 * 60);
            end = Math.Max(end, (window.EndMinute + 59) / 60 * 60);
        }

        var fine = all.Exists(w => w.StartMinute % DefaultCellMinutes != 0 || w.EndMinute % DefaultCellMinutes != 0);
        var grid = new WeekGrid(first, end, fine ? FineCellMinutes : DefaultCellMinutes);
        foreach (var window in all)
        {
            var day = DayIndex(window.Day);
            for (var row = (window.StartMinute - first) / grid.CellMinutes; row < grid.RowCount && grid.StartMinuteOf(row) < window.EndMinute; row++)
            {
                grid._selected[day, row] = true;
            }
        }

        return grid;
    }

    /// <summary>The column of <paramref name="day"/> (Monday is 0).</summary>
    public static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;
}
