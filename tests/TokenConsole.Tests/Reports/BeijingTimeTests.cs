using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Reports;

/// <summary>Times on the pages are Beijing time with their zone, whatever the server's own time zone (UTC on these machines).</summary>
public sealed class BeijingTimeTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_API_keys_page_shows_created_and_last_used_in_Beijing_time()
    {
        using (var scope = factory.Services.CreateScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
            db.Set<ApiKey>().Add(new ApiKey
            {
                Name = "beijing-time-test", Prefix = "tcbj", KeyHash = new string('0', 64), CreatedBy = "admin",
                // 12:38 UTC is 20:38 in Beijing; 23:05 UTC on the 11th is 07:05 on the 12th there.
                CreatedAt = new DateTimeOffset(2026, 11, 11, 12, 38, 0, TimeSpan.Zero),
                LastUsedAt = new DateTimeOffset(2026, 11, 11, 23, 5, 0, TimeSpan.Zero),
            });
            await db.SaveChangesAsync(Ct);
        }
        using var client = await factory.SignedInClientAsync("admin");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/api-keys", Ct));

        Assert.Contains("11 Nov 2026 20:38 Beijing time", html, StringComparison.Ordinal);
        Assert.Contains("12 Nov 2026 07:05 Beijing time", html, StringComparison.Ordinal);

        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c%3Dzh-CN%7Cuic%3Dzh-CN");
        var zh = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/api-keys", Ct));
        Assert.Contains("2026年11月11日 20:38 北京时间", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consumptions_live_indicator_shows_the_Beijing_time_of_the_last_refresh()
    {
        using var client = await factory.SignedInClientAsync("ops");
        var before = DateTimeOffset.UtcNow;

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/consumption", Ct));

        var after = DateTimeOffset.UtcNow;
        var live = System.Text.RegularExpressions.Regex.Match(html, @"Live · (\d\d:\d\d):\d\d Beijing time");
        Assert.True(live.Success, "no 'Live · hh:mm:ss Beijing time' on the page");
        var shown = live.Groups[1].Value;
        Assert.Contains(shown, new[] { before, after }.Select(t => (t + TimeSpan.FromHours(8)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
