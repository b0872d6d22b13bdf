using System.Globalization;
using DaprPlatform.Web.Features.Tutor;

namespace DaprPlatform.Web.Tests.Tutor;

public sealed class WeekGridTests
{
    private const int Monday = 0, Wednesday = 2, Sunday = 6;

    /// <summary>The row of the default grid (06:00 first, half hours) that starts at <paramref name="hour"/>:<paramref name="minute"/>.</summary>
    private static int Row(int hour, int minute = 0) => ((hour * 60) + minute - WeekGrid.DefaultFirstMinute) / 30;

    [Fact]
    public void The_default_grid_is_06_to_22_in_half_hours_monday_first()
    {
        var grid = new WeekGrid();

        grid.RowCount.Should().Be(32);
        grid.StartMinuteOf(0).Should().Be(6 * 60);
        grid.StartMinuteOf(31).Should().Be((21 * 60) + 30);
        WeekGrid.Days[0].Should().Be(DayOfWeek.Monday);
        WeekGrid.Days[6].Should().Be(DayOfWeek.Sunday);
        grid.ToWindows().Should().BeEmpty();
    }

    [Fact]
    public void Contiguous_cells_of_a_day_become_one_window_and_gaps_split_them()
    {
        var grid = new WeekGrid();
        for (var row = Row(9); row < Row(12); row++)
        {
            grid.Set(Monday, row, true);
        }

        grid.Set(Monday, Row(13), true);
        grid.Set(Sunday, Row(21, 30), true);
        grid.Set(Wednesday, Row(6), true);
        grid.Set(Wednesday, Row(6, 30), true);

        grid.ToWindows().Should().Equal(
            new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 12 * 60),
            new WeeklyWindow(DayOfWeek.Monday, 13 * 60, (13 * 60) + 30),
            new WeeklyWindow(DayOfWeek.Wednesday, 6 * 60, 7 * 60),
            new WeeklyWindow(DayOfWeek.Sunday, (21 * 60) + 30, 22 * 60));
        grid.ToWindows().Select(w => w.ToBody()).Should().Equal(
            new AvailabilityRuleBody("monday", "09:00", "12:00"),
            new AvailabilityRuleBody("monday", "13:00", "13:30"),
            new AvailabilityRuleBody("wednesday", "06:00", "07:00"),
            new AvailabilityRuleBody("sunday", "21:30", "22:00"));
    }

    [Fact]
    public void Windows_become_cells_and_touching_windows_merge_on_the_way_back()
    {
        var grid = WeekGrid.FromWindows([
            new WeeklyWindow(DayOfWeek.Tuesday, 9 * 60, 10 * 60),
            new WeeklyWindow(DayOfWeek.Tuesday, 10 * 60, 11 * 60),
            new WeeklyWindow(DayOfWeek.Sunday, 8 * 60, (8 * 60) + 30),
        ]);

        grid.FirstMinute.Should().Be(WeekGrid.DefaultFirstMinute);
        grid.CellMinutes.Should().Be(30);
        grid.IsSelected(1, Row(8, 30)).Should().BeFalse();
        Enumerable.Range(Row(9), 4).Should().OnlyContain(row => grid.IsSelected(1, row));
        grid.IsSelected(1, Row(11)).Should().BeFalse();
        grid.IsSelected(Sunday, Row(8)).Should().BeTrue();
        grid.SelectedCount.Should().Be(5);
        grid.ToWindows().Should().Equal(
            new WeeklyWindow(DayOfWeek.Tuesday, 9 * 60, 11 * 60),
            new WeeklyWindow(DayOfWeek.Sunday, 8 * 60, (8 * 60) + 30));
    }

    [Fact]
    public void Windows_outside_the_default_hours_or_off_the_half_hour_widen_and_refine_the_grid_so_nothing_is_lost()
    {
        var windows = new[]
        {
            new WeeklyWindow(DayOfWeek.Monday, (5 * 60) + 15, 7 * 60),
            new WeeklyWindow(DayOfWeek.Friday, 22 * 60, WeeklyWindow.MinutesPerDay),
        };

        var grid = WeekGrid.FromWindows(windows);

        grid.FirstMinute.Should().Be(5 * 60);
        grid.EndMinute.Should().Be(WeeklyWindow.MinutesPerDay);
        grid.CellMinutes.Should().Be(WeekGrid.FineCellMinutes);
        grid.ToWindows().Should().Equal(windows);
        grid.ToWindows()[1].ToBody().Should().Be(new AvailabilityRuleBody("friday", "22:00", "24:00"));
    }

    [Fact]
    public void The_whole_day_keeps_the_selection()
    {
        var windows = new[] { new WeeklyWindow(DayOfWeek.Thursday, 9 * 60, 10 * 60) };

        var grid = WeekGrid.FromWindows(windows, wholeDay: true);

        grid.CoversWholeDay.Should().BeTrue();
        grid.RowCount.Should().Be(48);
        grid.ToWindows().Should().Equal(windows);
    }

    [Fact]
    public void A_drag_paints_the_rectangle_from_its_start_and_dragging_back_unpaints()
    {
        var grid = new WeekGrid();
        grid.Set(Sunday, Row(10), true);

        grid.BeginPaint(Monday, Row(9));
        grid.IsPainting.Should().BeTrue();
        grid.PaintTo(Wednesday, Row(10, 30));

        grid.ToWindows().Should().Equal(
            new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 11 * 60),
            new WeeklyWindow(DayOfWeek.Tuesday, 9 * 60, 11 * 60),
            new WeeklyWindow(DayOfWeek.Wednesday, 9 * 60, 11 * 60),
            new WeeklyWindow(DayOfWeek.Sunday, 10 * 60, (10 * 60) + 30));

        grid.PaintTo(Monday, Row(9, 30));
        grid.EndPaint();

        grid.IsPainting.Should().BeFalse();
        grid.ToWindows().Should().Equal(
            new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 10 * 60),
            new WeeklyWindow(DayOfWeek.Sunday, 10 * 60, (10 * 60) + 30));
    }

    [Fact]
    public void A_drag_upwards_from_a_selected_cell_erases()
    {
        var grid = WeekGrid.FromWindows([new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 17 * 60)]);

        grid.BeginPaint(Monday, Row(12, 30));
        grid.PaintTo(Monday, Row(12));
        grid.EndPaint();

        grid.ToWindows().Should().Equal(
            new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 12 * 60),
            new WeeklyWindow(DayOfWeek.Monday, 13 * 60, 17 * 60));
    }

    [Fact]
    public void Moving_over_cells_without_a_press_paints_nothing_and_toggle_flips_one_cell()
    {
        var grid = new WeekGrid();

        grid.PaintTo(Monday, Row(9));
        grid.SelectedCount.Should().Be(0);

        grid.Toggle(Monday, Row(9));
        grid.IsSelected(Monday, Row(9)).Should().BeTrue();
        grid.Toggle(Monday, Row(9));
        grid.IsSelected(Monday, Row(9)).Should().BeFalse();
    }

    [Fact]
    public void Clear_empties_the_week_and_ends_a_drag()
    {
        var grid = WeekGrid.FromWindows([new WeeklyWindow(DayOfWeek.Monday, 9 * 60, 17 * 60)]);
        grid.BeginPaint(Wednesday, Row(9));

        grid.Clear();
        grid.PaintTo(Sunday, Row(20));

        grid.IsPainting.Should().BeFalse();
        grid.SelectedCount.Should().Be(0);
        grid.ToWindows().Should().BeEmpty();
    }

    [Theory]
    [InlineData("monday", "09:00", "17:00", true)]
    [InlineData("Sunday", "00:00", "24:00", true)]
    [InlineData("funday", "09:00", "17:00", false)]
    [InlineData("1", "09:00", "17:00", false)]
    [InlineData("monday", "9:00", "17:00", false)]
    [InlineData("monday", "17:00", "09:00", false)]
    [InlineData("monday", "09:00", "24:30", false)]
    public void Rules_from_the_wire_are_read_strictly(string day, string start, string end, bool readable)
    {
        WeeklyWindow.TryRead(new AvailabilityRuleBody(day, start, end), out _).Should().Be(readable);
    }

    [Fact]
    public void A_window_reads_in_the_persons_culture()
    {
        var window = new WeeklyWindow(DayOfWeek.Monday, 9 * 60, (13 * 60) + 30);

        window.Describe(CultureInfo.GetCultureInfo("en-US")).Should().Be("Monday, 9:00 AM – 1:30 PM");
        window.Describe(CultureInfo.GetCultureInfo("de-DE")).Should().Be("Montag, 09:00 – 13:30");
    }
}
