using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenConsole.Data;

namespace TokenConsole.E2E;

/// <summary>The governed price change end to end: propose with simulation, approve, quote, roll back.</summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class PricingTests(ConsoleServer server)
{
    private const string RuleName = "finance-cn-gd-15";

    [Fact]
    public async Task A_price_change_is_proposed_simulated_approved_quoted_and_rolled_back()
    {
        // The product manager proposes -15 % on finance in CN-GD and sees the simulation.
        var pm = await server.NewPageAsync();
        await pm.SignInAsync("pm", server.DemoPassword);
        await pm.GotoAsync("/pricing/changes/new");
        await pm.WaitForInteractiveAsync();
        await pm.GetByTestId("rule-name").FillAsync(RuleName);
        await PickAsync(pm, "rule-regions", "CN-GD ·");
        await PickAsync(pm, "rule-industries", "Finance");
        await pm.GetByTestId("rule-value").FillAsync("-15");
        await pm.GetByTestId("rule-value").PressAsync("Tab");
        await Assertions.Expect(pm.GetByTestId("rule-generated")).ToHaveTextAsync("u.Region == \"CN-GD\" && u.Industry == \"finance\"");
        await pm.GetByTestId("wizard-next").ClickAsync();

        await pm.GetByTestId("change-title").FillAsync("-15 % on finance in CN-GD");
        var beijingNow = DateTime.UtcNow.AddHours(8).AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        await pm.GetByTestId("change-effective").FillAsync(beijingNow);
        await pm.GetByTestId("wizard-next").ClickAsync();

        await pm.GetByTestId("validation-ok").WaitForAsync();
        await pm.GetByTestId("sim-heatmap-delta").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await pm.GetByTestId("sim-heatmap-before").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await Assertions.Expect(pm.GetByTestId("sim-delta-value")).ToContainTextAsync("-");
        await Assertions.Expect(pm.GetByTestId("sim-movers")).ToBeVisibleAsync();
        await pm.ScreenshotAsync("pricing-wizard-simulation-en");
        await pm.GetByTestId("wizard-next").ClickAsync();
        await pm.GetByTestId("wizard-submit").ClickAsync();
        await pm.GetByTestId("wizard-submitted").WaitForAsync();
        await pm.Context.CloseAsync();

        // The executive approves it from the inbox; it activates at once (its effective time has come).
        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync("/pricing/changes");
        await exec.WaitForInteractiveAsync();
        var approve = exec.Locator("[data-testid^='approve-']").First;
        var id = (await approve.GetAttributeAsync("data-testid"))!["approve-".Length..];
        await approve.ClickAsync();
        await exec.GetByTestId("inbox-toggle").ClickAsync(new LocatorClickOptions { Force = true });
        await Assertions.Expect(exec.GetByTestId($"change-status-{id}")).ToHaveTextAsync("Active");
        await exec.ScreenshotAsync("pricing-changes-en");

        // The quote tester shows the new price and the rule that fired.
        await exec.GotoAsync("/pricing/quote");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("quote-run").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("quote-fired")).ToContainTextAsync(RuleName);
        var amount = await exec.GetByTestId("quote-amount").InnerTextAsync();
        var basePrice = await exec.GetByTestId("quote-base").InnerTextAsync();
        Assert.NotEqual(basePrice, amount);
        Assert.Equal(Money(basePrice) * 0.85, Money(amount), 2);
        await exec.ScreenshotAsync("pricing-quote-en");

        await exec.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fpricing%2Fquote");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("quote-run").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("quote-fired")).ToContainTextAsync(RuleName);
        await Assertions.Expect(exec.GetByTestId("quote-result")).ToContainTextAsync("命中的规则");
        await exec.ScreenshotAsync("pricing-quote-zh");

        // Rollback restores the old price.
        await exec.GotoAsync("/pricing/changes");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("inbox-toggle").ClickAsync(new LocatorClickOptions { Force = true });
        await exec.GetByTestId($"rollback-{id}").ClickAsync();
        await exec.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(exec.GetByTestId($"change-status-{id}")).ToHaveTextAsync("已回滚");
        await exec.GotoAsync("/pricing/quote");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("quote-run").ClickAsync();
        await exec.GetByTestId("quote-no-rules").WaitForAsync();
        Assert.Equal(await exec.GetByTestId("quote-base").InnerTextAsync(), await exec.GetByTestId("quote-amount").InnerTextAsync());
        await exec.GotoAsync("/pricing/rules");
        await Assertions.Expect(exec.GetByTestId("ruleset-history")).ToContainTextAsync(RuleName);
        await exec.ScreenshotAsync("pricing-rules-zh");
        await exec.Context.CloseAsync();
    }

    [Fact]
    public async Task The_wizard_simulation_reads_in_Chinese_and_on_a_narrow_window()
    {
        var page = await server.NewPageAsync(width: 420, height: 900, locale: "zh-CN");
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fpricing%2Fchanges%2Fnew");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("rule-name").FillAsync("night-owls");
        await page.GetByTestId("rule-advanced").ClickAsync(new LocatorClickOptions { Force = true });
        await page.GetByTestId("rule-expression").FillAsync("System.IO.File.Exists(\"/etc/passwd\")");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.GetByText("'System' is not allowed").First.WaitForAsync();
        await page.GetByTestId("rule-expression").FillAsync("Fn.Between(u.Hour, 0, 6)");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.GetByTestId("change-title").FillAsync("夜间优惠");
        await page.GetByTestId("wizard-next").ClickAsync();
        await page.GetByTestId("sim-heatmap-delta").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await Assertions.Expect(page.GetByTestId("simulation")).ToContainTextAsync("受影响客户");
        await page.ScreenshotAsync("pricing-wizard-simulation-zh-narrow");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_quote_tester_warns_when_the_package_does_not_entitle_the_model_and_shows_the_compute_cost()
    {
        // The tester opens on IND-FIN; find a model it does not entitle and one it does.
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var versionId = await db.Packages.Where(p => p.Code == "IND-FIN").Select(p => p.ActiveVersionId).SingleAsync(TestContext.Current.CancellationToken);
        var entitled = await db.PackageVersions.Where(v => v.Id == versionId).SelectMany(v => v.Entitlements.Select(e => e.ModelId)).ToListAsync(TestContext.Current.CancellationToken);
        var models = await db.Models.OrderBy(m => m.Id).Select(m => new { m.Id, m.Name }).ToListAsync(TestContext.Current.CancellationToken);
        var outside = models.First(m => !entitled.Contains(m.Id)).Name;
        var inside = models.First(m => entitled.Contains(m.Id)).Name;

        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/pricing/quote");
        await page.WaitForInteractiveAsync();
        await PickExactAsync(page, "quote-model", outside);
        await page.GetByTestId("quote-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("quote-not-entitled")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("quote-not-entitled")).ToContainTextAsync(outside);
        await Assertions.Expect(page.GetByTestId("quote-compute-cost")).ToContainTextAsync("¥");
        await page.ScreenshotAsync("pricing-quote-not-entitled-en");

        await PickExactAsync(page, "quote-model", inside);
        await page.GetByTestId("quote-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("quote-not-entitled")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("quote-compute-cost")).ToContainTextAsync("¥");

        await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fpricing%2Fquote");
        await page.WaitForInteractiveAsync();
        await PickExactAsync(page, "quote-model", outside);
        await page.GetByTestId("quote-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("quote-not-entitled")).ToContainTextAsync("不包含");
        await Assertions.Expect(page.GetByTestId("quote-result")).ToContainTextAsync("算力成本");
        await page.ScreenshotAsync("pricing-quote-not-entitled-zh");
        await page.Context.CloseAsync();
    }

    private static async Task PickExactAsync(IPage page, string select, string item)
    {
        await page.GetByTestId(select).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasTextRegex = new Regex($"^\\s*{Regex.Escape(item)}\\s*$") }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").First).ToBeHiddenAsync();
    }

    private static async Task PickAsync(IPage page, string select, string item)
    {
        await page.GetByTestId(select).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = item }).First.ClickAsync();
        // A multi-select stays open after a pick: close it as a person does, by pressing Escape in it.
        await page.GetByTestId(select).PressAsync("Escape");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item").First).ToBeHiddenAsync();
    }

    private static double Money(string text) =>
        double.Parse(new string(text.Where(c => char.IsDigit(c) || c == '.').ToArray()), CultureInfo.InvariantCulture);
}
