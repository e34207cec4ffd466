using System.Net;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>The report pages render on the server for every role that may read, whatever the period in the address.</summary>
public sealed class ReportPageTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("pm", "/reports")]
    [InlineData("admin", "/reports?from=2026-10-01&to=2026-10-31")]
    [InlineData("exec", "/reports?from=nonsense&to=2026-10-31")]
    [InlineData("ops", "/reports/print")]
    [InlineData("exec", "/reports/print?from=2026-10-31&to=2026-10-01")]
    public async Task The_report_and_its_print_view_render(string user, string url)
    {
        using var client = await factory.SignedInClientAsync(user);
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"report\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"table-regions\"", html, StringComparison.Ordinal);
        // The console's navigation is around the page, not around the print view.
        Assert.Equal(!url.StartsWith("/reports/print", StringComparison.Ordinal), html.Contains("data-testid=\"nav-overview\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_print_view_has_no_navigation()
    {
        using var client = await factory.SignedInClientAsync("exec");
        var html = await client.GetStringAsync("/reports/print?from=2026-10-01&to=2026-10-31", Ct);
        Assert.DoesNotContain("data-testid=\"nav-overview\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"language-switch\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"report-print\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "/admin/users")]
    [InlineData("admin", "/admin/audit")]
    [InlineData("exec", "/admin/audit")]
    public async Task The_admin_pages_render(string user, string url)
    {
        using var client = await factory.SignedInClientAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url, Ct)).StatusCode);
    }
}
