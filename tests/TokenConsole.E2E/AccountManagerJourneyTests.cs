using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenConsole.Features.Billing;
using TokenConsole.Localization;

namespace TokenConsole.E2E;

/// <summary>
/// Issue 13's whole chain in one browser session as the account manager: find a customer by a fragment of its Chinese
/// name, upgrade its package, sell a top-up, see usage sent through the real ingestion API move the bucket, run last
/// month's bill run, read that customer's bill in English and Chinese and propose a credit note above the threshold,
/// which an executive then approves. Screenshots of the list, the customer page and the bill in both languages, wide
/// and at 400 px. The customer and every figure checked come from the data (never from the demo's exact numbers).
/// </summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class AccountManagerJourneyTests(ConsoleServer server)
{
    private const string NoSidewaysScroll = "document.documentElement.scrollWidth <= window.innerWidth + 1";
    // A table wider than its box scrolls inside it and hides its last columns (a bill's amounts, once) without the page scrolling.
    private const string ClippedTables = "[...document.querySelectorAll('.mud-table-container')].filter(e => e.scrollWidth > e.clientWidth + 1).length";
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_manager_serves_a_customer_from_search_to_bill_and_an_executive_approves_the_credit_note()
    {
        var lastMonth = BillMonth.Containing(DateTimeOffset.UtcNow).Previous;
        // The schedule bills the month just ended at start-up: wait for it, so that the journey picks a customer whose
        // bill exists and its own run below meets a month already billed (which it must leave as it is).
        await server.Services.GetRequiredService<BillRunService>().RunAsSystemAsync(lastMonth, cancellationToken: Ct);
        var creditAmount = server.Services.GetRequiredService<CreditNoteService>().Threshold + 234.56m;
        var subject = await JourneySubject.FindAsync(server.Services, lastMonth, creditAmount, Ct);

        var page = await server.NewPageAsync(1440, 900);
        try
        {
            await JourneyAsync(page, subject, lastMonth, creditAmount);
        }
        catch
        {
            // What the page showed when a step failed, to look at beside the test's message.
            await page.ScreenshotAsync("journey-failure");
            throw;
        }
        await page.Context.CloseAsync();
    }

    private async Task JourneyAsync(IPage page, JourneySubject subject, BillMonth lastMonth, decimal creditAmount)
    {
        await page.SignInAsync("am", server.DemoPassword);
        await FindByChineseFragmentAsync(page, subject);
        var card = page.GetByTestId($"subscription-{subject.SubscriptionId}");
        await UpgradeAsync(page, card, subject);
        await SellTopUpAsync(page, card, subject);
        await SendUsageAndSeeTheBucketMoveAsync(page, card, subject);
        await ShootBothWidthsAsync(page, "journey-customer-page-en", CustomerPage(subject));

        await RunLastMonthsBillsAsync(page, lastMonth);
        await OpenTheBillInEnglishAndChineseAsync(page, subject, lastMonth);
        var noteId = await ProposeCreditNoteAsync(page, creditAmount);
        await ApproveAsExecutiveAsync(subject, noteId, creditAmount);

        // Back with the account manager (still in Chinese): the bill shows the note approved, then the Chinese list and page.
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(CreditNoteRow(page, creditAmount, Chinese)).ToContainTextAsync("已批准");
        await page.GotoAsync("/customers");
        await page.WaitForInteractiveAsync();
        await Input(page, "customers-search").FillAsync(subject.ChineseFragment);
        await Assertions.Expect(CustomerRows(page)).ToHaveCountAsync(subject.FragmentMatches);
        await Assertions.Expect(CustomerRow(page, subject)).ToContainTextAsync(subject.Upgrade.NameZh);
        await ShootBothWidthsAsync(page, "journey-customers-zh", SearchedList(subject));
        await page.GotoAsync($"/customers/{subject.Code}");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(card).ToContainTextAsync(subject.Upgrade.NameZh);
        var note = page.GetByTestId("customer-credit-notes").Locator("tr").Filter(new() { Has = page.GetByTestId($"customer-credit-note-{noteId}") });
        await Assertions.Expect(note).ToContainTextAsync(Display.Money(creditAmount, culture: Chinese));
        await Assertions.Expect(note).ToContainTextAsync("已批准");
        await Assertions.Expect(TopUpBucket(card, subject).Locator("b")).ToContainTextAsync(subject.TopUp.NameZh);
        await Assertions.Expect(TopUpBucket(card, subject).Locator("b")).Not.ToContainTextAsync("加油包：加油包");
        await ShootBothWidthsAsync(page, "journey-customer-page-zh", CustomerPage(subject));
    }

    private async Task FindByChineseFragmentAsync(IPage page, JourneySubject subject)
    {
        await page.GotoAsync("/customers");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(CustomerRows(page).First).ToBeVisibleAsync();
        await Input(page, "customers-search").FillAsync(subject.ChineseFragment);
        // Exactly the customers whose Chinese name holds the fragment, this one among them with both its names and its package.
        await Assertions.Expect(CustomerRows(page)).ToHaveCountAsync(subject.FragmentMatches);
        foreach (var row in await CustomerRows(page).AllAsync())
        {
            await Assertions.Expect(row).ToContainTextAsync(subject.ChineseFragment);
        }
        var found = CustomerRow(page, subject);
        await Assertions.Expect(found).ToContainTextAsync(subject.Name);
        await Assertions.Expect(found).ToContainTextAsync(subject.NameZh);
        await Assertions.Expect(found).ToContainTextAsync(subject.Current.NameEn);
        await ShootBothWidthsAsync(page, "journey-customers-en", SearchedList(subject));

        await page.GetByTestId($"customer-{subject.Code}").ClickAsync();
        await page.WaitForURLAsync($"**/customers/{subject.Code}");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("customer-title")).ToHaveTextAsync(subject.Name);
        await Assertions.Expect(page.GetByTestId("customer-profile")).ToContainTextAsync(subject.NameZh);
    }

    private static async Task UpgradeAsync(IPage page, ILocator card, JourneySubject subject)
    {
        await Assertions.Expect(card).ToContainTextAsync(subject.Current.NameEn);
        await card.GetByTestId("action-upgrade").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("The new package applies at once");
        // Confirming without a package is refused next to the field.
        await dialog.GetByTestId("subscription-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Choose a package.");
        await ChooseAsync(page, dialog.GetByTestId("subscription-package"), subject.Upgrade.NameEn);
        await dialog.GetByTestId("subscription-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // The new package at once, with a fresh allowance of its tokens.
        await Assertions.Expect(card.Locator("h6")).ToContainTextAsync(subject.Upgrade.NameEn);
        await Assertions.Expect(AllowanceBucket(card).GetByTestId("bucket-figures"))
            .ToHaveTextAsync($"0 used of {Display.Compact(subject.Upgrade.IncludedTokens, English)} · {Display.Compact(subject.Upgrade.IncludedTokens, English)} left");
        await Assertions.Expect(page.GetByTestId("customer-audit")).ToContainTextAsync(subject.Upgrade.Code);
    }

    private static async Task SellTopUpAsync(IPage page, ILocator card, JourneySubject subject)
    {
        var topUps = card.Locator("[data-kind='TopUp']");
        var before = await topUps.CountAsync();
        await card.GetByTestId("action-topup").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await ChooseAsync(page, dialog.GetByTestId("subscription-package"), subject.TopUp.NameEn);
        var soldFrom = DateTimeOffset.UtcNow;
        await dialog.GetByTestId("subscription-confirm").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        var soldTo = DateTimeOffset.UtcNow;

        await Assertions.Expect(topUps).ToHaveCountAsync(before + 1);
        var sold = TopUpBucket(card, subject);
        var tokens = Display.Compact(subject.TopUp.IncludedTokens, English);
        await Assertions.Expect(sold.Locator("b")).ToContainTextAsync(subject.TopUp.NameEn);
        await Assertions.Expect(sold.Locator("b")).Not.ToContainTextAsync("Top-up: Top-up");
        await Assertions.Expect(sold.GetByTestId("bucket-figures")).ToHaveTextAsync($"0 used of {tokens} · {tokens} left");
        // Valid for the pack's days from the sale (the Beijing day of the expiry, on either side of the click).
        var expiry = await sold.GetByTestId("bucket-until").TextContentAsync() ?? "";
        var days = Math.Max(1, subject.TopUp.ValidityDays);
        Assert.True(expiry.Contains(Display.Date(soldFrom.AddDays(days), English), StringComparison.Ordinal)
            || expiry.Contains(Display.Date(soldTo.AddDays(days), English), StringComparison.Ordinal), $"The top-up expires '{expiry}', not {days} days after its sale.");
    }

    private async Task SendUsageAndSeeTheBucketMoveAsync(IPage page, ILocator card, JourneySubject subject)
    {
        // A quarter of the new allowance in raw tokens, as a gateway would send it; the bucket counts them × the model's multiplier.
        var count = (int)Math.Max(2, Math.Ceiling(subject.Upgrade.IncludedTokens / 4m / UsageValidatorLimit));
        var perEvent = subject.Upgrade.IncludedTokens / 4 / count / 1000 * 1000;
        var events = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            events.Add(new JsonObject
            {
                ["id"] = $"journey-{Guid.NewGuid():N}", ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"), ["customer"] = subject.Code,
                ["package"] = subject.Upgrade.Code, ["model"] = subject.ModelCode, ["region"] = subject.RegionCode, ["industry"] = subject.IndustryCode,
                ["inputTokens"] = perEvent / 5 * 4, ["outputTokens"] = perEvent / 5,
            });
        }
        await IngestAsync(events);
        var billable = perEvent / 5 * 5 * count * subject.Multiplier;
        var included = (decimal)subject.Upgrade.IncludedTokens;
        var expected = $"{Display.Compact(billable, English)} used of {Display.Compact(included, English)} · {Display.Compact(included - billable, English)} left";

        // The page shows the buckets as they are when it loads: reload until the writer has drawn the usage on them.
        var figures = AllowanceBucket(card).GetByTestId("bucket-figures");
        for (var attempt = 0; attempt < 20 && (await figures.TextContentAsync())?.Trim() != expected; attempt++)
        {
            await Task.Delay(500, Ct);
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
        }
        await Assertions.Expect(figures).ToHaveTextAsync(expected);
        var used = decimal.Parse(await AllowanceBucket(card).GetByTestId("bucket-bar").GetAttributeAsync("data-used") ?? "0", CultureInfo.InvariantCulture);
        Assert.Equal(Math.Round(billable * 100m / included, 1), used);
    }

    /// <summary>The most input or output tokens one event may carry (UsageValidator.MaxTokensPerEvent).</summary>
    private const decimal UsageValidatorLimit = 1_000_000_000m;

    private async Task IngestAsync(JsonArray events)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ConsoleServer.IngestionKey);
        // The writer's reference data learns of the upgrade from an event: until then the new package may be refused, and
        // a retried event is never counted twice (its id is the idempotency key).
        JsonNode? result = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var response = await http.PostAsJsonAsync("/api/v1/usage/events", new JsonObject { ["events"] = events.DeepClone() }, Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            result = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct));
            if ((int)result!["rejected"]! == 0)
            {
                break;
            }
            await Task.Delay(500, Ct);
        }
        Assert.Equal(events.Count, (int)result!["accepted"]! + (int)result["duplicates"]!);
        Assert.Equal(0, (int)result["rejected"]!);
    }

    private async Task RunLastMonthsBillsAsync(IPage page, BillMonth lastMonth)
    {
        var billsBefore = await BillCountAsync(lastMonth);
        await page.GotoAsync("/bills");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("bill-run-start").ClickAsync();
        await page.GetByText("Bills once issued never change.").WaitForAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Run bills" }).ClickAsync();
        var progress = page.GetByTestId("bill-run-progress");
        await Assertions.Expect(progress).ToContainTextAsync("finished", new() { Timeout = 60_000 });
        // Every customer gone through, and the month already billed gets nothing twice.
        var customers = Display.Number(await CustomerCountAsync(), English);
        await Assertions.Expect(progress).ToContainTextAsync($"{customers} of {customers} customers, {Display.Number(billsBefore, English)} bills issued");
        Assert.Equal(billsBefore, await BillCountAsync(lastMonth));
    }

    private async Task OpenTheBillInEnglishAndChineseAsync(IPage page, JourneySubject subject, BillMonth lastMonth)
    {
        await Input(page, "bill-filter-search").FillAsync(subject.Code);
        await page.GetByTestId("bill-link").Filter(new() { HasText = subject.BillNo }).ClickAsync();
        await page.WaitForURLAsync($"**/bills/{subject.BillId}");
        await page.WaitForInteractiveAsync();
        var view = await server.Services.GetRequiredService<BillService>().GetAsync(subject.BillId, Ct)
            ?? throw new InvalidOperationException($"Bill {subject.BillNo} is gone.");

        await Assertions.Expect(page.GetByTestId("bill-no")).ToContainTextAsync(subject.BillNo);
        await Assertions.Expect(page.GetByTestId("bill-customer")).ToContainTextAsync($"{subject.Code} {subject.Name}");
        await Assertions.Expect(page.GetByTestId("bill-month")).ToHaveTextAsync(BillText.Month(lastMonth.Period, English));
        await CheckLinesAndTotalsAsync(page, view, English);
        await ShootBothWidthsAsync(page, "journey-bill-en", BillShown);

        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-zh").ClickAsync();
        await page.GetByText("价税合计").First.WaitForAsync();
        await page.WaitForInteractiveAsync();
        var totals = page.GetByTestId("bill-totals");
        await Assertions.Expect(totals).ToContainTextAsync("金额");
        await Assertions.Expect(totals).ToContainTextAsync("税额");
        await Assertions.Expect(totals).ToContainTextAsync("价税合计");
        await Assertions.Expect(page.GetByTestId("bill-lines").Locator("thead")).ToContainTextAsync("金额");
        await Assertions.Expect(page.GetByTestId("bill-customer")).ToContainTextAsync($"{subject.Code} {subject.NameZh}");
        await Assertions.Expect(page.GetByTestId("bill-month")).ToHaveTextAsync(BillText.Month(lastMonth.Period, Chinese));
        await CheckLinesAndTotalsAsync(page, view, Chinese);
        await ShootBothWidthsAsync(page, "journey-bill-zh", BillShown);
    }

    /// <summary>The lines as issued (names, not codes, in the reader's language), and the totals as the page adds them up.</summary>
    private static async Task CheckLinesAndTotalsAsync(IPage page, BillView view, CultureInfo culture)
    {
        var rows = page.GetByTestId("bill-line");
        await Assertions.Expect(rows).ToHaveCountAsync(view.Bill.Lines.Count);
        var chinese = Display.IsChinese(culture);
        var sum = 0m;
        foreach (var (line, i) in view.Bill.Lines.OrderBy(l => l.Number).Select((l, i) => (l, i)))
        {
            var cells = rows.Nth(i).Locator("td");
            if (line.PackageId is { } package)
            {
                await Assertions.Expect(cells.Nth(1)).ToContainTextAsync(view.PackageName(package, chinese));
            }
            var amount = (await cells.Nth(4).TextContentAsync())!.Trim();
            Assert.Equal(Display.Money(line.AmountFen / 100m, culture: culture), amount);
            sum += Yuan(amount);
        }
        Assert.Contains(view.Bill.Lines, l => l.Kind == BillLineKind.Fee);
        var net = Yuan(await page.GetByTestId("bill-net").TextContentAsync());
        var tax = Yuan(await page.GetByTestId("bill-tax").TextContentAsync());
        var total = Yuan(await page.GetByTestId("bill-total").TextContentAsync());
        Assert.Equal(sum, total);
        Assert.Equal(total, net + tax);
        Assert.Equal(view.Bill.TotalFen / 100m, total);
    }

    private static async Task<long> ProposeCreditNoteAsync(IPage page, decimal amount)
    {
        await page.GetByTestId("bill-propose-credit").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await page.GetByTestId("credit-note-amount").FillAsync(amount.ToString("0.00", CultureInfo.InvariantCulture));
        // In Chinese now: the missing reason is refused next to its field, in Chinese.
        await page.GetByTestId("credit-note-submit").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("请填写 1 至");
        await page.GetByTestId("credit-note-reason").FillAsync("Journey goodwill: service level missed for three days");
        await page.GetByTestId("credit-note-submit").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        var row = CreditNoteRow(page, amount, Chinese);
        await Assertions.Expect(row).ToContainTextAsync("待审批");
        await Assertions.Expect(row).ToContainTextAsync("Liu Yang");
        var link = (await row.Locator("a").First.TextContentAsync())!.Trim();
        return long.Parse(link.TrimStart('#'), CultureInfo.InvariantCulture);
    }

    private async Task ApproveAsExecutiveAsync(JourneySubject subject, long noteId, decimal amount)
    {
        var exec = await server.NewPageAsync(1440, 900);
        await exec.SignInAsync("exec", server.DemoPassword);
        // The executive's overview lists it among the reviews waiting for them.
        var review = exec.GetByTestId("pending-reviews").GetByTestId("pending-review").Filter(new() { HasText = subject.BillNo });
        await Assertions.Expect(review).ToContainTextAsync(Display.Money(amount, culture: English));
        await review.Locator($"a[href='/credit-notes/{noteId}']").ClickAsync();
        await exec.WaitForURLAsync($"**/credit-notes/{noteId}");
        await exec.WaitForInteractiveAsync();
        await Assertions.Expect(exec.GetByTestId("credit-note-amount-shown")).ToHaveTextAsync(Display.Money(amount, culture: English));
        await Assertions.Expect(exec.GetByTestId("credit-note-status")).ToHaveTextAsync("Pending approval");

        await exec.GetByTestId("credit-note-approve").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("credit-note-decision")).ToContainTextAsync("A comment of 1 to");
        const string comment = "Agreed: the outage is confirmed by operations.";
        await exec.GetByTestId("credit-note-words").FillAsync(comment);
        await exec.GetByTestId("credit-note-approve").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("credit-note-status")).ToHaveTextAsync("Approved");
        await Assertions.Expect(exec.GetByTestId("credit-note")).ToContainTextAsync($"Chen Jing · {comment}");
        await Assertions.Expect(exec.GetByTestId("credit-note-decision")).ToHaveCountAsync(0);
        await exec.ScreenshotAsync("journey-credit-note-approved");
        await exec.Context.CloseAsync();
    }

    /// <summary>
    /// The page as it is at 1440 px, then the same address at 400 px (which must not scroll sideways nor clip a table) in
    /// a second window with the same cookies: resizing the journey's own window made the next click race the layout.
    /// </summary>
    private async Task ShootBothWidthsAsync(IPage page, string name, Func<IPage, Task> ready)
    {
        await page.ScreenshotAsync($"{name}-1440");
        Assert.Equal(0, await page.EvaluateAsync<int>(ClippedTables));
        var narrow = await server.NewPageAsync(400, 860, storageState: await page.Context.StorageStateAsync());
        try
        {
            await narrow.GotoAsync(page.Url);
            await narrow.WaitForInteractiveAsync();
            await ready(narrow);
            Assert.True(await narrow.EvaluateAsync<bool>(NoSidewaysScroll), $"{name} scrolls sideways at 400 px.");
            Assert.Equal(0, await narrow.EvaluateAsync<int>(ClippedTables));
            await narrow.ScreenshotAsync($"{name}-400");
        }
        finally
        {
            await narrow.Context.CloseAsync();
        }
    }

    private static Func<IPage, Task> SearchedList(JourneySubject subject) => async p =>
    {
        await Input(p, "customers-search").FillAsync(subject.ChineseFragment);
        await Assertions.Expect(CustomerRows(p)).ToHaveCountAsync(subject.FragmentMatches);
    };

    private static Func<IPage, Task> CustomerPage(JourneySubject subject) => p =>
        Assertions.Expect(p.GetByTestId($"subscription-{subject.SubscriptionId}").Locator("[data-kind='TopUp']").First).ToBeVisibleAsync();

    private static Task BillShown(IPage p) => Assertions.Expect(p.GetByTestId("bill-total")).ToBeVisibleAsync();

    private async Task<int> BillCountAsync(BillMonth month) =>
        (await server.Services.GetRequiredService<BillService>().PageAsync(new BillFilter(month.Period, null), 0, 1, Ct)).Total;

    private async Task<int> CustomerCountAsync()
    {
        await using var db = await server.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Data.TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Customers, Ct);
    }

    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    private static ILocator CustomerRows(IPage page) =>
        page.GetByTestId("customers-grid").Locator("tbody tr").Filter(new() { Has = page.Locator("a[data-testid^='customer-']") });

    private static ILocator CustomerRow(IPage page, JourneySubject subject) =>
        CustomerRows(page).Filter(new() { Has = page.GetByTestId($"customer-{subject.Code}") });

    private static ILocator AllowanceBucket(ILocator card) => card.Locator("[data-kind='Allowance']");

    /// <summary>The pack just sold: top-ups are listed earliest expiry first, and the newest of a pack expires last.</summary>
    private static ILocator TopUpBucket(ILocator card, JourneySubject subject)
    {
        var topUps = card.Locator("[data-kind='TopUp']");
        return topUps.Filter(new() { HasText = subject.TopUp.NameEn }).Or(topUps.Filter(new() { HasText = subject.TopUp.NameZh })).Last;
    }

    private static ILocator CreditNoteRow(IPage page, decimal amount, CultureInfo culture) =>
        page.GetByTestId("bill-credit-note").Filter(new() { HasText = Display.Money(amount, culture: culture) });

    private static async Task ChooseAsync(IPage page, ILocator select, string itemText)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = itemText }).First.ClickAsync();
    }

    private static decimal Yuan(string? text) =>
        decimal.Parse((text ?? "").Trim().Replace("¥", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture);
}
