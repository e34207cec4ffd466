using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TokenConsole.Features.Billing;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class BillTests(ConsoleServer server)
{
    [Fact]
    public async Task An_account_manager_runs_last_months_bills_opens_a_bill_in_English_and_Chinese_and_proposes_a_credit_note()
    {
        var lastMonth = BillMonth.Containing(DateTimeOffset.UtcNow).Previous;
        // The schedule bills the month just ended at start-up; wait for it, so the page's run below finds it done.
        await server.Services.GetRequiredService<BillRunService>().RunAsSystemAsync(lastMonth, cancellationToken: TestContext.Current.CancellationToken);

        var page = await server.NewPageAsync(1440, 900);
        await page.SignInAsync("am", server.DemoPassword);
        await page.GotoAsync("/bills");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("bill-run-start").ClickAsync();
        await page.GetByText("Bills once issued never change.").WaitForAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Run bills" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bill-run-progress")).ToContainTextAsync("finished", new() { Timeout = 60_000 });
        await page.ScreenshotAsync("bills-list");

        await page.GetByTestId("bill-link").First.ClickAsync();
        await page.GetByTestId("bill-total").WaitForAsync();
        await page.WaitForInteractiveAsync();
        Assert.True(await page.GetByTestId("bill-line").CountAsync() >= 1);
        await Assertions.Expect(page.GetByTestId("bill-totals")).ToContainTextAsync("Amount before tax");
        await page.ScreenshotAsync("bill");

        await page.GetByTestId("bill-propose-credit").ClickAsync();
        await page.GetByTestId("credit-note-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("credit-note-dialog")).ToContainTextAsync("greater than zero");
        await page.GetByTestId("credit-note-amount").FillAsync("0.01");
        await page.GetByTestId("credit-note-reason").FillAsync("Rounding goodwill");
        await page.GetByTestId("credit-note-submit").ClickAsync();
        // The demo's own credit notes may be on this bill too: look at the one just proposed.
        await Assertions.Expect(page.GetByTestId("bill-credit-note").Filter(new() { HasText = "Rounding goodwill" })).ToContainTextAsync("Approved");

        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-zh").ClickAsync();
        await page.GetByText("价税合计").First.WaitForAsync();
        await page.WaitForInteractiveAsync();
        await page.ScreenshotAsync("bill-zh");

        var print = await server.NewPageAsync(1000, 1400);
        await print.SignInAsync("am", server.DemoPassword);
        await print.GotoAsync(page.Url + "/print");
        await print.GetByTestId("bill-print-view").GetByText("价税合计 Total").WaitForAsync();
        await print.ScreenshotAsync("bill-print");
    }
}
