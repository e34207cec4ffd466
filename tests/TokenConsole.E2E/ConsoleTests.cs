using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed partial class ConsoleTests(ConsoleServer server)
{
    private static readonly string[] AllAreas = ["overview", "packages", "compute", "consumption", "pricing", "reports", "admin", "users", "api-keys", "audit"];

    [Theory]
    [InlineData("pm", "overview,packages,compute,consumption,pricing,reports")]
    [InlineData("ops", "overview,packages,compute,consumption,pricing,reports")]
    [InlineData("exec", "overview,packages,compute,consumption,pricing,reports,admin,audit")]
    [InlineData("am", "overview,packages,compute,consumption,pricing,reports")]
    [InlineData("admin", "overview,packages,compute,consumption,pricing,reports,admin,users,api-keys,audit")]
    public async Task Each_role_signs_in_and_sees_its_navigation(string user, string expectedAreas)
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync(user, server.DemoPassword);

        var shown = new List<string>();
        foreach (var area in AllAreas)
        {
            if (await page.GetByTestId($"nav-{area}").CountAsync() > 0)
            {
                shown.Add(area);
            }
        }
        Assert.Equal(expectedAreas.Split(','), shown);
        await page.GetByTestId("daily-tokens-chart").Locator("svg").First.WaitForAsync();
        await page.ScreenshotAsync($"overview-{user}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_overview_shows_numbers_from_the_data_and_a_rendered_chart()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("exec", server.DemoPassword);
        var tokens = await page.GetByTestId("kpi-tokens-value").InnerTextAsync();
        Assert.Matches(EnglishCompact(), tokens);
        Assert.NotEqual("0", tokens);
        var chart = page.GetByTestId("daily-tokens-chart");
        await chart.Locator("svg .apexcharts-series path").First.WaitForAsync();
        Assert.Equal("true", await chart.GetAttributeAsync("data-rendered"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_user_menu_names_the_role_and_signs_out()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);

        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync("**/account/login**");
        // Signed out for real: a page asks for the sign-in again.
        await page.GotoAsync("/compute");
        await page.WaitForURLAsync("**/account/login**");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_language_switch_turns_the_UI_Chinese_and_back()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("exec", server.DemoPassword);

        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-zh").ClickAsync();
        await page.GetByText("本月 Token 用量").WaitForAsync();
        await page.WaitForInteractiveAsync();
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Contains("总览", await page.GetByTestId("nav-overview").InnerTextAsync(), StringComparison.Ordinal);
        // Large numbers are counted in 万 and 亿, money in ¥.
        Assert.Matches("[万亿]$", await page.GetByTestId("kpi-tokens-value").InnerTextAsync());
        Assert.StartsWith("¥", await page.GetByTestId("kpi-revenue-value").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByTestId("daily-tokens-chart").Locator("svg .apexcharts-series path").First.WaitForAsync();
        await page.ScreenshotAsync("overview-exec-zh");

        // The same person on a phone-sized window.
        var phone = await server.NewPageAsync(390, 844, storageState: await page.Context.StorageStateAsync());
        await phone.GotoAsync("/");
        await phone.WaitForInteractiveAsync();
        await phone.GetByTestId("daily-tokens-chart").Locator("svg .apexcharts-series path").First.WaitForAsync();
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than a phone screen.");
        await phone.ScreenshotAsync("overview-exec-zh-narrow");
        await phone.Context.CloseAsync();

        // The choice persists: another page in the same session is Chinese too.
        await page.GotoAsync("/reports");
        await page.GetByText("经营报告").First.WaitForAsync();
        await page.ScreenshotAsync("reports-exec-zh");
        await page.GotoAsync("/packages");
        await Assertions.Expect(page.GetByTestId("packages-grid")).ToContainTextAsync("每页行数");
        await page.ScreenshotAsync("packages-exec-zh");

        await page.WaitForInteractiveAsync();
        await page.GetByTestId("language-switch").ClickAsync();
        await page.GetByTestId("language-en").ClickAsync();
        await Assertions.Expect(page.GetByTestId("packages-grid")).ToContainTextAsync("Rows per page");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_forbidden_page_answers_403_with_an_access_denied_page()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        var response = await page.GotoAsync("/admin/users");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await page.ScreenshotAsync("access-denied-ops");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_demo_users_and_refuses_a_wrong_password()
    {
        var page = await server.NewPageAsync();
        await page.GotoAsync("/account/login");
        await Assertions.Expect(page.GetByTestId("demo-users")).ToContainTextAsync(server.DemoPassword);
        await page.ScreenshotAsync("sign-in");
        await page.GetByTestId("login-username").FillAsync("pm");
        await page.GetByTestId("login-password").FillAsync("wrong");
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("not correct");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_theme_toggle_switches_to_dark_and_is_remembered()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("pm", server.DemoPassword);
        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.cookie.includes('tc.theme=dark')");
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.Equal("rgb(15, 20, 28)", background);
        await page.GotoAsync("/compute");
        await page.GetByTestId("pools-table").WaitForAsync();
        await page.ScreenshotAsync("compute-pm-dark");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_area_opens_with_the_seeded_data()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("exec", server.DemoPassword);

        await page.GetByTestId("nav-packages").ClickAsync();
        await Assertions.Expect(page.GetByTestId("packages-grid")).ToContainTextAsync("P-LITE");
        await page.ScreenshotAsync("packages-exec");

        await page.GetByTestId("nav-compute").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pools-table")).ToContainTextAsync("nm-horinger");
        await page.ScreenshotAsync("compute-exec");

        await page.GetByTestId("nav-consumption").ClickAsync();
        await Assertions.Expect(page.GetByTestId("industry-totals").Locator("tbody tr")).ToHaveCountAsync(15);

        await page.GetByTestId("nav-reports").ClickAsync();
        // The executive report (issue 7) opens on last month: 31 regions with usage.
        await Assertions.Expect(page.GetByTestId("table-regions").Locator("tbody tr")).ToHaveCountAsync(31);
        await page.ScreenshotAsync("reports-exec");

        await page.GetByTestId("nav-audit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("Seeded demo data");
        await page.ScreenshotAsync("audit-exec");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"^[\d.,]+[KMB]?$")]
    private static partial Regex EnglishCompact();
}
