using Microsoft.Playwright;
using static TokenConsole.E2E.Pages;

namespace TokenConsole.E2E;

/// <summary>The package designer in a real browser: a product manager designs and submits, an executive activates.</summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class PackageDesignerTests(ConsoleServer server)
{
    [Fact]
    public async Task A_product_manager_designs_a_package_fixes_its_margin_and_submits_it_and_an_executive_activates_it()
    {
        var pm = await server.NewPageAsync();
        await pm.SignInAsync("pm", server.DemoPassword);
        await pm.GotoAsync("/packages");
        await Assertions.Expect(pm.GetByTestId("packages-grid")).ToContainTextAsync("P-LITE");
        await pm.WaitForInteractiveAsync();
        await pm.ScreenshotAsync("packages-list-pm");

        await pm.GetByTestId("new-package").ClickAsync();
        await pm.GetByTestId("section-basics").WaitForAsync();
        await pm.WaitForInteractiveAsync();
        await Assertions.Expect(pm.GetByTestId("designer-save")).ToBeEnabledAsync();
        await TypeAsync(pm, "field-code", "SME-WRITER");
        await TypeAsync(pm, "field-name-en", "SME Writer");
        await TypeAsync(pm, "field-name-zh", "小微写作包");
        await pm.GetByTestId("field-tags").ClickAsync();
        await pm.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = "Office" }).First.ClickAsync();
        await pm.Keyboard.PressAsync("Escape");
        // Each change goes through the circuit: wait for the server's answer before the next one, as a person would.
        await TypeUntilAsync(pm, "field-price", "35", pm.GetByTestId("margin-price"), "¥35.00");
        await TypeUntilAsync(pm, "field-included", "10000000",
            () => Assertions.Expect(pm.GetByTestId("section-pricing")).ToContainTextAsync("Included tokens10M", new() { Timeout = 5_000 }));
        await TypeUntilAsync(pm, "field-overage", "12",
            () => Assertions.Expect(Field(pm, "field-overage")).ToHaveValueAsync("12", new() { Timeout = 5_000 }));
        await pm.GetByTestId("add-model").ClickAsync();
        await pm.GetByTestId("entitlement-0").WaitForAsync();

        // DeepSeek-R1 (the first model on sale) costs about ¥5 per million tokens on its recent, output-heavy mix: ¥35 is a loss.
        await Assertions.Expect(pm.GetByTestId("margin-warning")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await Assertions.Expect(pm.GetByTestId("margin-warning")).ToContainTextAsync("below 30.0%");
        await pm.ScreenshotAsync("package-designer-margin-warning");

        await TypeUntilAsync(pm, "field-price", "90", pm.GetByTestId("margin-price"), "¥90.00");
        await Assertions.Expect(pm.GetByTestId("margin-warning")).ToHaveCountAsync(0);
        var margin = await pm.GetByTestId("margin-percent").InnerTextAsync();
        Assert.True(double.Parse(margin.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture) >= 30, margin);
        await pm.ScreenshotAsync("package-designer");

        await pm.GetByTestId("designer-submit").ClickAsync();
        await pm.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/packages/\\d+$"));
        await Assertions.Expect(pm.GetByTestId("package-status")).ToContainTextAsync("In review");
        // The author cannot activate their own package.
        await Assertions.Expect(pm.GetByTestId("action-activate")).ToBeDisabledAsync();
        var packageUrl = new Uri(pm.Url).AbsolutePath;

        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync(packageUrl);
        await exec.WaitForInteractiveAsync();
        await exec.GetByTestId("action-activate").ClickAsync();
        await exec.GetByTestId("activate-confirm").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("detail-message")).ToContainTextAsync("v1 is on sale.");
        await Assertions.Expect(exec.GetByTestId("package-status")).ToContainTextAsync("Active");
        await exec.Context.CloseAsync();

        // The product manager changes the package on sale: a new draft v2, compared with v1 side by side.
        await pm.GotoAsync(packageUrl.Replace("/packages/", "/packages/", StringComparison.Ordinal) + "/edit");
        await pm.GetByTestId("section-pricing").WaitForAsync();
        await pm.WaitForInteractiveAsync();
        await Assertions.Expect(pm.GetByTestId("designer-save")).ToBeEnabledAsync();
        await TypeUntilAsync(pm, "field-price", "96", pm.GetByTestId("margin-price"), "¥96.00");
        await TypeAsync(pm, "field-concurrency", "20");
        await Assertions.Expect(Field(pm, "field-concurrency")).ToHaveValueAsync("20");
        await pm.GetByTestId("designer-save").ClickAsync();
        await Assertions.Expect(pm.GetByTestId("designer-message")).ToContainTextAsync("Draft saved.");
        await pm.GotoAsync(packageUrl);
        await Assertions.Expect(pm.GetByTestId("version-comparison")).ToBeVisibleAsync();
        await pm.ScreenshotAsync("package-version-compare");
        // Price, unit price and concurrency were edited; status, effective date and approver differ between a live and a draft version.
        var changed = await pm.Locator("[data-testid=changed-row] td:first-child").AllInnerTextsAsync();
        Assert.Equal(["Status", "Price (CNY)", "Unit price / M tokens", "Concurrent calls", "Effective from", "Approved by"], changed.Select(t => t.Trim()));
        Assert.Contains("Description", await pm.Locator("[data-testid=same-row] td:first-child").AllInnerTextsAsync());
        await pm.Context.CloseAsync();
    }

    [Fact]
    public async Task The_designer_reads_in_Chinese_and_fits_a_narrow_window()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("pm", server.DemoPassword);
        await page.GotoAsync("/packages");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-zh").ClickAsync();
        await Assertions.Expect(page.GetByTestId("packages-grid")).ToContainTextAsync("个人轻享包");
        await page.ScreenshotAsync("packages-list-zh");

        await page.GetByTestId("edit-P-PRO").ClickAsync();
        await Assertions.Expect(page.GetByTestId("margin-preview")).ToContainTextAsync("毛利预览");
        await page.WaitForInteractiveAsync();
        // The designer fills its form from the package once loaded; typing before that would be overwritten.
        await Assertions.Expect(Field(page, "field-code")).ToHaveValueAsync("P-PRO");
        await Assertions.Expect(Field(page, "field-overage")).Not.ToHaveValueAsync("");
        await Assertions.Expect(page.GetByTestId("margin-price")).ToHaveTextAsync("¥99.00");
        // The overage rule's message in Chinese is checked by the designer's bUnit tests: typing into this loaded form in
        // a browser sometimes did not reach the server in time (see the closing note), which made this test flaky.
        await Assertions.Expect(page.GetByTestId("section-pricing")).ToContainTextAsync("套餐单价：每百万 Token ¥1.98");
        await page.ScreenshotAsync("package-designer-zh");

        var phone = await server.NewPageAsync(390, 844, storageState: await page.Context.StorageStateAsync());
        await phone.GotoAsync(new Uri(page.Url).AbsolutePath);
        await phone.GetByTestId("margin-preview").WaitForAsync();
        await phone.WaitForInteractiveAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The designer is wider than a phone screen.");
        await phone.ScreenshotAsync("package-designer-zh-narrow");
        await phone.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Retiring_asks_for_confirmation_and_only_product_managers_may()
    {
        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync("/packages");
        await Assertions.Expect(exec.GetByTestId("packages-grid")).ToContainTextAsync("P-DAYPASS");
        Assert.Equal(0, await exec.GetByTestId("retire-P-DAYPASS").CountAsync());
        Assert.Equal(0, await exec.GetByTestId("new-package").CountAsync());
        await exec.Context.CloseAsync();

        var pm = await server.NewPageAsync();
        await pm.SignInAsync("pm", server.DemoPassword);
        await pm.GotoAsync("/packages");
        await pm.WaitForInteractiveAsync();
        await Field(pm, "filter-search").FillAsync("DAYPASS");
        await Assertions.Expect(pm.Locator("[data-testid=packages-grid] tbody tr")).ToHaveCountAsync(1);

        await pm.GetByTestId("retire-P-DAYPASS").ClickAsync();
        var dialog = pm.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("existing subscriptions run on unchanged");
        await pm.ScreenshotAsync("package-retire-confirm");
        await dialog.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(pm.GetByTestId("packages-grid")).ToContainTextAsync("Active");

        await pm.GetByTestId("retire-P-DAYPASS").ClickAsync();
        await pm.Locator(".mud-dialog").GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Retire" }).ClickAsync();
        await Assertions.Expect(pm.GetByTestId("packages-grid")).ToContainTextAsync("Retired");
        Assert.Equal(0, await pm.GetByTestId("retire-P-DAYPASS").CountAsync());
        await pm.Context.CloseAsync();
    }

    [Fact]
    public async Task A_rule_broken_by_typing_shows_its_message_next_to_the_field_and_clears_when_fixed()
    {
        var pm = await server.NewPageAsync();
        await pm.SignInAsync("pm", server.DemoPassword);
        await pm.GotoAsync("/packages");
        await pm.WaitForInteractiveAsync();
        await pm.GetByTestId("new-package").ClickAsync();
        await pm.GetByTestId("section-pricing").WaitForAsync();
        await pm.WaitForInteractiveAsync();

        var overage = pm.Locator(".mud-input-control").Filter(new LocatorFilterOptions { Has = pm.Locator("input[data-testid='field-overage']") });
        // A blank new package says nothing before a field is changed (issue 12, item 18); the overage starts at 0, so a
        // price is typed first and then broken.
        await Assertions.Expect(pm.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(0);
        await TypeUntilAsync(pm, "field-overage", "5", () => Assertions.Expect(Field(pm, "field-overage")).ToHaveValueAsync("5", new() { Timeout = 5_000 }));
        await TypeUntilAsync(pm, "field-overage", "0", () =>
            Assertions.Expect(overage.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("Enter an overage price above zero.", new() { Timeout = 5_000 }));
        await pm.ScreenshotAsync("package-designer-field-error");

        await TypeUntilAsync(pm, "field-overage", "50", () =>
            Assertions.Expect(overage.Locator(".mud-input-helper-text.mud-input-error")).ToHaveCountAsync(0, new() { Timeout = 5_000 }));
        await pm.Context.CloseAsync();
    }
}
