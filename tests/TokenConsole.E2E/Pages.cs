using Microsoft.Playwright;

namespace TokenConsole.E2E;

/// <summary>What a person does on the console's pages, for the browser tests.</summary>
public static class Pages
{
    public static async Task SignInAsync(this IPage page, string userName, string password)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/account/login**");
        await page.GetByTestId("login-username").FillAsync(userName);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Clicks on prerendered HTML are lost until the circuit is up: wait for the layout to report it.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, name + ".png"), FullPage = true });
}
