using Microsoft.Playwright;

namespace TokenConsole.E2E;

/// <summary>
/// The customer pages in the browser: an account manager finds a customer by a fragment of its Chinese name, opens its
/// page, then creates a customer (a bad code is refused next to the field, a good one opens the new customer's page);
/// the list and a customer page fit a 400 px window and a 1440 px one, in English and Chinese (screenshots).
/// </summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class CustomerTests(ConsoleServer server)
{
    private const string NoSidewaysScroll = "document.documentElement.scrollWidth <= window.innerWidth + 1";

    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    private static ILocator FieldHelp(IPage page, string testId) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input") }).Locator(".mud-input-helper-text");

    private static async Task ChooseFirstAsync(IPage page, string testId)
    {
        await page.Locator($"[data-testid='{testId}']").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.ClickAsync();
    }

    [Fact]
    public async Task An_account_manager_finds_a_customer_by_a_Chinese_name_fragment_and_creates_one_after_a_bad_code_is_refused_next_to_the_field()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("am", server.DemoPassword);
        await page.GotoAsync("/customers");
        await page.WaitForInteractiveAsync();
        var grid = page.GetByTestId("customers-grid");
        await Assertions.Expect(grid.Locator("a[data-testid^='customer-']").First).ToBeVisibleAsync();

        // A fragment from the middle of the Chinese names of government customers (e.g. 广东大数据局).
        await Input(page, "customers-search").FillAsync("大数据局");
        var first = grid.Locator("a[data-testid^='customer-']").First;
        await Assertions.Expect(grid.Locator("tbody tr").First).ToContainTextAsync("大数据局");
        var code = (await first.TextContentAsync())!.Trim();
        await first.ClickAsync();
        await page.WaitForURLAsync($"**/customers/{code}");
        await Assertions.Expect(page.GetByTestId("customer-profile")).ToContainTextAsync(code);
        await Assertions.Expect(page.GetByTestId("customer-profile")).ToContainTextAsync("大数据局");

        await page.GotoAsync("/customers");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("customer-create").ClickAsync();
        await Input(page, "customer-code").FillAsync("客户 1");
        await Assertions.Expect(FieldHelp(page, "customer-code")).ToContainTextAsync("3 to 32 letters, digits or hyphens");
        await Assertions.Expect(page.GetByTestId("customer-save")).ToBeDisabledAsync();
        await page.ScreenshotAsync("customer-create-bad-code");

        await Input(page, "customer-code").FillAsync("e2e-new-1");
        await Input(page, "customer-name").FillAsync("E2E Robotics Co., Ltd.");
        await Input(page, "customer-name-zh").FillAsync("端到端机器人有限公司");
        await ChooseFirstAsync(page, "customer-region");
        await ChooseFirstAsync(page, "customer-industry");
        await page.GetByTestId("customer-save").ClickAsync();
        await page.WaitForURLAsync("**/customers/E2E-NEW-1");
        await Assertions.Expect(page.GetByTestId("customer-title")).ToHaveTextAsync("E2E Robotics Co., Ltd.");
        await Assertions.Expect(page.GetByTestId("customer-profile")).ToContainTextAsync("Liu Yang");
        await Assertions.Expect(page.GetByTestId("customer-audit")).ToContainTextAsync("Customer created");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en", 1440)]
    [InlineData("zh-CN", 1440)]
    [InlineData("en", 400)]
    [InlineData("zh-CN", 400)]
    public async Task The_customer_list_and_a_customer_page_fit_the_window(string culture, int width)
    {
        var page = await server.NewPageAsync(width, 900, culture == "zh-CN" ? "zh-CN" : "en-US");
        await page.SignInAsync("am", server.DemoPassword);
        await page.GotoAsync($"/culture/set?culture={culture}&redirectUri={Uri.EscapeDataString("/customers")}");
        await page.WaitForInteractiveAsync();
        var link = page.GetByTestId("customers-grid").Locator("a[data-testid^='customer-']").First;
        await Assertions.Expect(link).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), $"The customer list scrolls sideways at {width} px.");
        await page.ScreenshotAsync($"customers-list-{culture}-{width}");

        // A customer with a subscription, so that the page shows its buckets.
        await page.GotoAsync("/customers");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("customers-package").ClickAsync();
        await page.Locator("[data-testid='customers-package-options'] [role='option']").First.ClickAsync();
        await Assertions.Expect(link).ToBeVisibleAsync();
        var code = (await link.TextContentAsync())!.Trim();
        await page.GotoAsync($"/customers/{code}");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.Locator("[data-testid='bucket-bar']").First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), $"The customer page scrolls sideways at {width} px.");
        await page.ScreenshotAsync($"customer-page-{culture}-{width}");
        await page.Context.CloseAsync();
    }
}
