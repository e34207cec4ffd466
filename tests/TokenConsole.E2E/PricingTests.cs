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
    public async Task A_price_change_is_proposed_simulated_reviewed_approved_quoted_and_rolled_back()
    {
        // The product manager proposes -15 % on finance in Guangdong, picking regions and industries by name, and sees the simulation.
        var pm = await server.NewPageAsync();
        await pm.SignInAsync("pm", server.DemoPassword);
        await pm.GotoAsync("/pricing/changes/new");
        await pm.WaitForInteractiveAsync();
        await pm.GetByTestId("rule-name").FillAsync(RuleName);
        await PickAsync(pm, "rule-regions", "Guangdong");
        await PickAsync(pm, "rule-industries", "Finance");
        Assert.Equal("Guangdong", await ShownAsync(pm, "rule-regions"));
        await pm.GetByTestId("rule-value").FillAsync("-15");
        await pm.GetByTestId("rule-value").PressAsync("Tab");
        await Assertions.Expect(pm.GetByTestId("rule-generated")).ToHaveTextAsync("u.Region == \"CN-GD\" && u.Industry == \"finance\"");
        await pm.ScreenshotAsync("pricing-wizard-scope-en");
        await pm.GetByTestId("wizard-next").ClickAsync();

        await pm.GetByTestId("change-title").FillAsync("-15 % on finance in CN-GD");
        var beijingNow = DateTime.UtcNow.AddHours(8).AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        await pm.GetByTestId("change-effective").FillAsync(beijingNow);
        await pm.GetByTestId("wizard-next").ClickAsync();

        await pm.GetByTestId("validation-ok").WaitForAsync();
        await pm.GetByTestId("sim-heatmap-delta").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await pm.GetByTestId("sim-heatmap-before").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        // Drawn as the consumption heatmap is: provinces by name as rows, industries as columns.
        await Assertions.Expect(pm.GetByTestId("sim-heatmap-before").Locator(".apexcharts-yaxis")).ToContainTextAsync("Guangdong");
        await Assertions.Expect(pm.GetByTestId("sim-heatmap-before").Locator(".apexcharts-xaxis")).ToContainTextAsync("Finance");
        await Assertions.Expect(pm.GetByTestId("sim-delta-value")).ToContainTextAsync("-");
        await Assertions.Expect(pm.GetByTestId("sim-movers")).ToBeVisibleAsync();
        await pm.ScreenshotAsync("pricing-wizard-simulation-en");
        await pm.GetByTestId("wizard-next").ClickAsync();
        await pm.GetByTestId("wizard-submit").ClickAsync();
        await pm.GetByTestId("wizard-submitted").WaitForAsync();
        // The proposer finds it under "my proposals", waiting for approval; it is not theirs to decide.
        await pm.GotoAsync("/");
        await Assertions.Expect(pm.GetByTestId("my-proposals")).ToContainTextAsync("-15 % on finance in CN-GD");
        await Assertions.Expect(pm.GetByTestId("pending-reviews")).Not.ToContainTextAsync("-15 % on finance in CN-GD");
        await pm.ScreenshotAsync("overview-my-proposals-en");
        await pm.Context.CloseAsync();

        // The executive is told: a count in the app bar that lists it, and the overview's pending reviews.
        await PendingReviewsScreenshotsAsync(1440, "en-US", "en");
        await PendingReviewsScreenshotsAsync(400, "zh-CN", "zh-narrow");
        await PendingReviewsScreenshotsAsync(1440, "zh-CN", "zh");
        await PendingReviewsScreenshotsAsync(400, "en-US", "en-narrow");

        // The executive reviews it: the simulation re-run on current data, with its time; approving asks for a comment.
        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync("/pricing/changes");
        await exec.WaitForInteractiveAsync();
        var review = exec.Locator("[data-testid^='review-']").First;
        var id = (await review.GetAttributeAsync("data-testid"))!["review-".Length..];
        await review.ClickAsync();
        await exec.WaitForURLAsync($"**/pricing/changes/{id}");
        await exec.WaitForInteractiveAsync();
        await Assertions.Expect(exec.GetByTestId("review-simulated-at")).ToContainTextAsync($"Run on current data at {DateTime.UtcNow.AddHours(8).ToString("d MMM yyyy", CultureInfo.InvariantCulture)}", new() { Timeout = 60_000 });
        await exec.GetByTestId("sim-heatmap-delta").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await Assertions.Expect(exec.GetByTestId("sim-movers")).ToBeVisibleAsync();
        await Assertions.Expect(exec.GetByTestId("review-proposer")).ToContainTextAsync("Lin Wei");
        await exec.ScreenshotAsync("pricing-review-en");
        await exec.GetByTestId("decision-approve").ClickAsync();
        await exec.GetByTestId("decision-confirm").ClickAsync();
        await Assertions.Expect(exec.GetByText("A comment is required to approve a change.")).ToBeVisibleAsync();
        await Assertions.Expect(exec.GetByTestId("review-status")).ToHaveTextAsync("Pending approval");
        await exec.GetByTestId("decision-note").FillAsync("Margin holds; Guangdong finance is our largest cell.");
        await exec.ScreenshotAsync("pricing-review-approve-dialog-en");
        await exec.GetByTestId("decision-confirm").ClickAsync();
        // It activates at once (its effective time has come).
        await Assertions.Expect(exec.GetByTestId("review-status")).ToHaveTextAsync("Active");
        await Assertions.Expect(exec.GetByTestId("review-comment")).ToContainTextAsync("Margin holds");
        await Assertions.Expect(exec.GetByTestId("review-decider")).ToContainTextAsync("Chen Jing");

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

        // Rollback is the executive's decision, with a reason; it restores the old price.
        await exec.GotoAsync("/pricing/changes");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("inbox-toggle").ClickAsync(new LocatorClickOptions { Force = true });
        await exec.GetByTestId($"rollback-{id}").ClickAsync();
        await exec.WaitForURLAsync($"**/pricing/changes/{id}");
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("sim-heatmap-before").Locator("svg .apexcharts-heatmap-rect").First.WaitForAsync();
        await Assertions.Expect(exec.GetByTestId("sim-heatmap-before").Locator(".apexcharts-yaxis")).ToContainTextAsync("广东");
        await exec.ScreenshotAsync("pricing-review-zh");
        await exec.GetByTestId("decision-rollback").ClickAsync();
        await exec.GetByTestId("decision-note").FillAsync("客户投诉过多");
        await exec.GetByTestId("decision-confirm").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("review-status")).ToHaveTextAsync("已回滚");
        await Assertions.Expect(exec.GetByTestId("review-rollback")).ToContainTextAsync("客户投诉过多");
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

    /// <summary>The executive's app bar count with its list open, and the overview's pending reviews, at a width and in a language.</summary>
    private async Task PendingReviewsScreenshotsAsync(int width, string locale, string suffix)
    {
        var page = await server.NewPageAsync(width: width, height: 900, locale: locale);
        await page.SignInAsync("exec", server.DemoPassword);
        var culture = locale.StartsWith("zh", StringComparison.Ordinal) ? "zh-CN" : "en";
        await page.GotoAsync($"/culture/set?culture={culture}&redirectUri=%2F");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("pending-reviews")).ToContainTextAsync("-15 % on finance in CN-GD");
        await Assertions.Expect(page.GetByTestId("reviews-count")).ToBeVisibleAsync();
        await page.GetByTestId("reviews-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reviews-list")).ToContainTextAsync("-15 % on finance in CN-GD");
        await page.ScreenshotAsync($"reviews-appbar-{suffix}");
        await page.GetByTestId("reviews-button").ClickAsync(new LocatorClickOptions { Force = true });
        await page.GetByTestId("pending-reviews").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync($"overview-pending-reviews-{suffix}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_wizard_simulation_reads_in_Chinese_and_on_a_narrow_window()
    {
        var page = await server.NewPageAsync(width: 420, height: 900, locale: "zh-CN");
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fpricing%2Fchanges%2Fnew");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("rule-name").FillAsync("night-owls");
        // Regions and industries are offered by name in Chinese too.
        await PickAsync(page, "rule-regions", "广东");
        await PickAsync(page, "rule-industries", "金融");
        Assert.Equal("广东", await ShownAsync(page, "rule-regions"));
        await page.ScreenshotAsync("pricing-wizard-scope-zh-narrow");
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
        // The rule reads the hour, which the customers' daily usage does not record: the simulation says so.
        await Assertions.Expect(page.GetByTestId("sim-note-hours")).ToContainTextAsync("按中午计价");
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

    /// <summary>What a select shows as chosen (MudSelect puts it in its input's value).</summary>
    private static async Task<string> ShownAsync(IPage page, string select) =>
        (await page.GetByTestId(select).EvaluateAsync<string>("e => (e.value ?? e.textContent ?? '').trim()")).Trim();

    private static double Money(string text) =>
        double.Parse(new string(text.Where(c => char.IsDigit(c) || c == '.').ToArray()), CultureInfo.InvariantCulture);
}
