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

    /// <summary>A form field by its test id: MudBlazor puts the id on the input or on a wrapper around it.</summary>
    public static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    public static async Task TypeAsync(IPage page, string testId, string value)
    {
        var field = Field(page, testId);
        await field.FillAsync(value);
        await field.DispatchEventAsync("input");
        // Leaving the field commits the value (change event) even when an input event raced a render of the circuit.
        await field.BlurAsync();
    }

    /// <summary>Types until the server shows the expected effect: a keystroke can race a render of the previous one.</summary>
    public static Task TypeUntilAsync(IPage page, string testId, string value, ILocator effect, string expected) =>
        TypeUntilAsync(page, testId, value, () => Assertions.Expect(effect).ToHaveTextAsync(expected, new() { Timeout = 5_000 }));

    public static async Task TypeUntilAsync(IPage page, string testId, string value, Func<Task> expectation)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                // A lost value must change again to be sent again.
                await TypeAsync(page, testId, "");
            }
            await TypeAsync(page, testId, value);
            try
            {
                await expectation();
                return;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
            }
        }
    }

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleServer.ScreenshotFolder, name + ".png"), FullPage = true });
}
