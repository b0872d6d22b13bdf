using DaprPlatform.DevHost.Configuration;

namespace DaprPlatform.DevHost.Tests;

/// <summary>The start-up report says a line shared by several apps once, naming them.</summary>
public sealed class StartupReportTests
{
    [Fact]
    public void A_line_every_app_shares_is_said_once_for_all_apps_and_the_rest_name_their_apps_in_run_file_order()
    {
        var report = new StartupReport();
        foreach (var app in new[] { "identity", "booking", "payments" }) { report.Add(app, false, "pubsub 'pubsub': broker"); }
        report.Add("payments", false, "secret store 'stripe': file");
        report.Add("booking", true, "binding 'cron': not served");
        report.Add("identity", true, "binding 'cron': not served");
        report.Add("booking", false, "binding 'cron': not served");

        report.Lines(["identity", "booking", "payments"]).Should().Equal(
            new ReportEntry(false, "[all apps] pubsub 'pubsub': broker"),
            new ReportEntry(false, "[payments] secret store 'stripe': file"),
            new ReportEntry(true, "[identity, booking] binding 'cron': not served"),
            new ReportEntry(false, "[booking] binding 'cron': not served"));
    }

    [Fact]
    public void With_one_app_the_line_names_it()
    {
        var report = new StartupReport();
        report.Add("app", false, "state store 'statestore': table state");

        report.Lines(["app"]).Should().Equal(new ReportEntry(false, "[app] state store 'statestore': table state"));
    }
}
