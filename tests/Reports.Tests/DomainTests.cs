using DaprPlatform.Reports.Domain;

namespace DaprPlatform.Reports.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    private static (ReportPeriod? Period, List<string> Fields) Period(DateTimeOffset? from, DateTimeOffset? to)
    {
        var fields = new List<string>();
        return (ReportPeriod.TryCreate(from, to, Now, (f, _) => fields.Add(f)), fields);
    }

    [Fact]
    public void A_period_is_whole_hours_from_before_to_ending_by_the_current_hours_end_at_most_92_days()
    {
        Period(Now.AddDays(-30).AddMinutes(-30), Now.AddMinutes(30)).Period.Should().Be(new ReportPeriod(new(2026, 11, 7, 10, 0, 0, TimeSpan.Zero), new(2026, 12, 7, 11, 0, 0, TimeSpan.Zero)));
        Period(new DateTimeOffset(2026, 9, 6, 11, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero)).Period!.Length.Should().Be(TimeSpan.FromDays(92));
        Period(new DateTimeOffset(2026, 9, 6, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero)).Fields.Should().Equal("to");
        Period(null, null).Fields.Should().Equal("from", "to");
        Period(Now, Now.AddMinutes(30)).Fields.Should().Equal("from");
        var hour = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
        Period(hour, hour).Fields.Should().Equal("to");
        Period(hour.AddHours(1), hour).Fields.Should().Equal("to");
        Period(hour, hour.AddHours(3)).Fields.Should().Equal(["to"], "12:00 is after the end of the current hour (11:00)");
        Period(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.FromHours(2))).Period!.From
            .Should().Be(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), "offsets are read as the instants they name");
    }

    [Theory]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2026-12-31T23:59:59.999Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z")]
    [InlineData("2027-01-01T00:30:00+01:00", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    public void The_quota_month_is_the_utc_calendar_month(string now, string start, string end)
    {
        var month = ExportQuota.MonthOf(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        month.Should().Be((DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)));
        ExportQuota.IsReached(2, 3).Should().BeFalse();
        ExportQuota.IsReached(3, 3).Should().BeTrue();
        ExportQuota.IsReached(0, 0).Should().BeTrue("a plan without exports allows none");
    }

    [Fact]
    public void A_share_token_is_random_stored_only_as_its_hash_and_matched_exactly()
    {
        var (a, tokenA) = ShareLink.Create(Guid.NewGuid(), Guid.NewGuid(), ShareKind.Export, Guid.NewGuid(), Guid.NewGuid(), Now.AddDays(1), null, Now);
        var (_, tokenB) = ShareLink.Create(Guid.NewGuid(), Guid.NewGuid(), ShareKind.Export, Guid.NewGuid(), Guid.NewGuid(), Now.AddDays(1), null, Now);
        tokenA.Should().MatchRegex("^[A-Za-z0-9_-]{43}$").And.NotBe(tokenB);
        a.TokenHash.Should().Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tokenA)));
        a.Matches(tokenA).Should().BeTrue();
        a.Matches(tokenB).Should().BeFalse();
        a.Matches(tokenA[..^1] + (tokenA[^1] == 'A' ? 'B' : 'A')).Should().BeFalse();
        a.HasPassword.Should().BeFalse();
        a.Admit(null, Now).Should().Be(ShareRefusal.None);
    }

    [Fact]
    public void Expiry_and_password_rules()
    {
        ShareLink.CheckExpiry(Now, Now).Should().NotBeNull();
        ShareLink.CheckExpiry(Now.AddSeconds(1), Now).Should().BeNull();
        ShareLink.CheckExpiry(Now.AddDays(90), Now).Should().BeNull();
        ShareLink.CheckExpiry(Now.AddDays(90).AddSeconds(1), Now).Should().NotBeNull();
        ShareLink.CheckPassword(null).Should().BeNull();
        ShareLink.CheckPassword(new string('p', 7)).Should().NotBeNull();
        ShareLink.CheckPassword(new string('p', 8)).Should().BeNull();
        ShareLink.CheckPassword(new string('p', 128)).Should().BeNull();
        ShareLink.CheckPassword(new string('p', 129)).Should().NotBeNull();
    }

    [Fact]
    public void Admission_checks_revocation_then_expiry_then_attempts_then_the_password()
    {
        var (link, _) = ShareLink.Create(Guid.NewGuid(), Guid.NewGuid(), ShareKind.Dashboard, null, Guid.NewGuid(), Now.AddHours(2), "open sesame", Now);
        link.Admit(null, Now).Should().Be(ShareRefusal.PasswordRequired);
        link.FailedAttempts.Should().Be(0, "asking without a password guesses nothing");
        link.Admit("open sesame", Now).Should().Be(ShareRefusal.None);
        for (var i = 0; i < ShareLink.MaxFailedAttempts; i++)
        {
            link.Admit("open says me", Now.AddMinutes(i)).Should().Be(ShareRefusal.WrongPassword);
        }

        link.Admit("open sesame", Now.AddMinutes(10)).Should().Be(ShareRefusal.TooManyAttempts);
        link.AttemptsResetAt.Should().Be(Now + ShareLink.AttemptWindow);
        link.Admit("open sesame", Now + ShareLink.AttemptWindow).Should().Be(ShareRefusal.None, "the window counted from the first failure has passed");
        link.Admit("open sesame", Now.AddHours(2)).Should().Be(ShareRefusal.Expired);
        link.Revoke(Now.AddMinutes(1));
        link.Revoke(Now.AddMinutes(5));
        link.RevokedAt.Should().Be(Now.AddMinutes(1));
        link.Admit("open sesame", Now.AddHours(2)).Should().Be(ShareRefusal.Revoked, "revocation is told before expiry");
    }

    [Fact]
    public void A_plan_change_applies_only_when_its_version_is_newer()
    {
        var plan = OwnerPlan.For(Guid.NewGuid());
        plan.Apply("pro", 30, "business", 3, Now).Should().BeTrue();
        plan.Apply("free", 3, "pro", 2, Now).Should().BeFalse();
        plan.Apply("free", 3, "pro", 3, Now).Should().BeFalse();
        (plan.Plan, plan.ExportsPerMonth, plan.ExportsLiftedBy, plan.Version).Should().Be(("pro", 30, "business", 3L));
    }

    [Fact]
    public void An_export_completes_or_fails_once()
    {
        var export = ReportExport.Queue(Guid.NewGuid(), Guid.NewGuid(), new string('n', 150), Guid.NewGuid(), new ReportPeriod(Now.AddHours(-2), Now), ExportFormat.Pdf, Now);
        export.OwnerName.Should().HaveLength(ReportExport.MaxOwnerNameLength);
        export.Start();
        export.Status.Should().Be(ExportStatus.Running);
        export.HasEnded.Should().BeFalse();
        export.Complete(123, Now).Should().BeTrue("this call ended it, so it is the one that announces it");
        export.Complete(456, Now).Should().BeFalse("a repeat changes and announces nothing");
        export.Fail("late", Now).Should().BeFalse();
        export.HasEnded.Should().BeTrue();
        (export.Status, export.SizeBytes, export.FailureReason).Should().Be((ExportStatus.Completed, 123L, (string?)null));
    }

    [Fact]
    public void A_failed_export_stays_failed_and_is_announced_with_its_reason_only()
    {
        var export = ReportExport.Queue(Guid.NewGuid(), Guid.NewGuid(), "Olga", Guid.NewGuid(), new ReportPeriod(Now.AddHours(-2), Now), ExportFormat.Csv, Now);
        export.Fail("  Analytics was away.  ", Now).Should().BeTrue();
        export.Fail("again", Now).Should().BeFalse();
        export.Complete(10, Now).Should().BeFalse();

        var announced = Contracts.ReportExported.Of(export);

        (announced.Status, announced.FailureReason, announced.SizeBytes, announced.Format, announced.OccurredAt)
            .Should().Be(("failed", "Analytics was away.", (long?)null, "csv", Now));
    }

    [Fact]
    public void An_export_that_has_not_ended_cannot_be_announced()
    {
        var export = ReportExport.Queue(Guid.NewGuid(), Guid.NewGuid(), "Olga", Guid.NewGuid(), new ReportPeriod(Now.AddHours(-2), Now), ExportFormat.Pdf, Now);
        export.Start();

        var announce = () => Contracts.ReportExported.Of(export);

        announce.Should().Throw<InvalidOperationException>();
    }
}
