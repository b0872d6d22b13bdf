namespace DaprPlatform.Booking.Domain;

/// <summary>
/// A student or a tutor cannot have two overlapping sessions that occupy their time (confirmed or completed). Sessions are
/// half-open intervals [start, end), so back-to-back bookings do not overlap. The database enforces the same rule with
/// exclusion constraints; this check gives the clear answer first and the constraint settles races.
/// </summary>
public static class BookingConflictChecker
{
    /// <summary>The first booking among <paramref name="others"/> that <paramref name="candidate"/> may not coexist with, if any.</summary>
    public static Booking? FindConflict(Booking candidate, IEnumerable<Booking> others)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(others);
        return others.FirstOrDefault(other =>
            other.Id != candidate.Id
            && other.Status.OccupiesTime()
            && (other.StudentId == candidate.StudentId || other.TutorId == candidate.TutorId)
            && other.Overlaps(candidate.Start, candidate.End));
    }
}
