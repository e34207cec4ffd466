using Microsoft.Playwright;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class AdminTests(ConsoleServer server)
{
    /// <summary>MudTextField puts its attributes on the input or on its wrapper, depending on the version: either will do.</summary>
    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    [Fact]
    public async Task An_administrator_creates_a_user_and_the_audit_log_shows_it_to_an_executive()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("admin", server.DemoPassword);
        await page.GotoAsync("/admin/users");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("user-create").ClickAsync();
        await Input(page, "user-name").FillAsync("analyst");
        await Input(page, "user-display-name").FillAsync("Li Na");
        await Input(page, "user-password").FillAsync("short");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("user-error")).ToBeVisibleAsync();
        await page.ScreenshotAsync("users-create-error");
        await Input(page, "user-password").FillAsync("Analyst-Pass-2026");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync("analyst");

        // The last administrator cannot be disabled: the refusal is shown and nothing changes.
        await page.GetByTestId("user-toggle-admin").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar.mud-alert-filled-error")).ToContainTextAsync("last active administrator");
        await page.ScreenshotAsync("users-admin");
        await page.Context.CloseAsync();

        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync("/admin/audit");
        await exec.WaitForInteractiveAsync();
        await Assertions.Expect(exec.GetByTestId("audit-table")).ToContainTextAsync("Created user");
        await Assertions.Expect(exec.GetByTestId("audit-table")).ToContainTextAsync("analyst");
        await exec.ScreenshotAsync("audit-exec-user-created");

        await exec.GetByTestId("language-switch").ClickAsync();
        await exec.GetByTestId("language-zh").ClickAsync();
        await exec.GetByText("审计日志").First.WaitForAsync();
        await exec.WaitForInteractiveAsync();
        await Assertions.Expect(exec.GetByTestId("audit-table")).ToContainTextAsync("analyst");
        await exec.ScreenshotAsync("audit-exec-zh");
        await exec.Context.CloseAsync();
    }
}
