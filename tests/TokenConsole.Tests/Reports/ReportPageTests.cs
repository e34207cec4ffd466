using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Reports;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>The report pages render on the server for every role that may read, whatever the period in the address.</summary>
public sealed partial class ReportPageTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("pm", "/reports")]
    [InlineData("admin", "/reports?from=2026-10-01&to=2026-10-31")]
    [InlineData("ops", "/reports/print")]
    [InlineData("exec", "/reports/print?from=2026-10-01&to=2026-10-31")]
    public async Task The_report_and_its_print_view_render(string user, string url)
    {
        using var client = await factory.SignedInClientAsync(user);
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"report\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"table-regions\"", html, StringComparison.Ordinal);
        // Revenue is defined in one line, and split by kind with breakage and ARPU, on the page and in print.
        Assert.Contains("data-testid=\"revenue-definition\"", html, StringComparison.Ordinal);
        Assert.Contains("fees spread over the days they cover", html, StringComparison.Ordinal); // "+" and "=" come HTML-encoded
        Assert.Contains("data-testid=\"table-revenue\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"revenue-breakage\"", html, StringComparison.Ordinal);
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
    [InlineData("/reports?from=2026-10-31&to=2026-10-01")]
    [InlineData("/reports?from=nonsense&to=2026-10-31")]
    [InlineData("/reports?from=2026-02-30&to=2026-03-31")]
    [InlineData("/reports?from=2026-10-01")]
    [InlineData("/reports/print?from=2026-10-31&to=2026-10-01")]
    public async Task A_reversed_or_garbage_range_is_refused_with_a_message_not_replaced_by_last_month(string url)
    {
        using var client = await factory.SignedInClientAsync("exec");
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"period-refused\"", html, StringComparison.Ordinal);
        Assert.Contains("Choose a start and an end date", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"report-kpi-tokens\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_whose_previous_period_has_no_data_says_so_instead_of_a_growth_figure()
    {
        // The demo data begins 14 days ago: the 11 days from its fourth day are compared with 11 days that are mostly before it.
        DateOnly first;
        using (var scope = factory.Services.CreateScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
            first = DateOnly.FromDateTime(BusinessCalendar.ToLocal(await db.UsageRollups.MinAsync(r => r.Hour, Ct)));
        }
        var period = new ReportPeriod(first.AddDays(3), first.AddDays(13));
        using var client = await factory.SignedInClientAsync("exec");

        var html = await client.GetStringAsync($"/reports?{period.Query}", Ct);

        var card = KpiCard().Match(html);
        Assert.True(card.Success, "no tokens KPI card");
        Assert.Contains("No data for the previous period", card.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("%", card.Value, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-testid=\"report-kpi-tokens\".*?data-testid=\"report-kpi-revenue\"", RegexOptions.Singleline)]
    private static partial Regex KpiCard();

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
