using Microsoft.Playwright;

namespace TokenConsole.E2E;

[Collection(ConsoleServerCollection.Name)]
public sealed class AdminTests(ConsoleServer server)
{
    /// <summary>MudTextField puts its attributes on the input or on its wrapper, depending on the version: either will do.</summary>
    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    /// <summary>The helper text under a form field: where its error shows.</summary>
    private static ILocator FieldHelp(IPage page, string testId) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input") }).Locator(".mud-input-helper-text");

    private static ILocator RoleSelect(IPage page, string user) => page.Locator($"[data-testid='user-role-{user}']").First;

    private static async Task ChooseRoleAsync(IPage page, string user, string role)
    {
        await RoleSelect(page, user).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText(role, new() { Exact = true }).ClickAsync();
    }

    [Theory]
    [InlineData("en-US", 1440)]
    [InlineData("zh-CN", 400)]
    public async Task An_administrator_creates_a_key_with_the_scopes_chosen_and_a_key_without_any_is_refused_next_to_them(string locale, int width)
    {
        var page = await server.NewPageAsync(width, 900, locale);
        await page.SignInAsync("admin", server.DemoPassword);
        if (locale == "zh-CN")
        {
            await page.GotoAsync("/culture/set?culture=zh-CN&redirectUri=%2Fadmin%2Fapi-keys");
        }
        else
        {
            await page.GotoAsync("/admin/api-keys");
        }
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("create-api-key").ClickAsync();
        var name = "Scoped gateway " + Guid.NewGuid().ToString("N")[..6];
        await Pages.TypeAsync(page, "api-key-name", name);
        // usage:write is ticked for a new key; untick it and create: refused next to the scopes.
        await Pages.Field(page, "api-key-scope-usage:write").UncheckAsync();
        await page.GetByTestId("api-key-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-key-scopes-error")).ToHaveTextAsync(locale == "zh-CN" ? "请至少选择一个范围。" : "Choose at least one scope.");
        await page.ScreenshotAsync($"api-keys-create-no-scope-{locale}-{width}");
        await Pages.Field(page, "api-key-scope-credit").CheckAsync();
        await page.GetByTestId("api-key-create").ClickAsync();
        await Assertions.Expect(Pages.Field(page, "api-key-secret")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^tck_"));
        await page.ScreenshotAsync($"api-keys-created-{locale}-{width}");
        await page.GetByTestId("api-key-done").ClickAsync();
        var row = page.GetByTestId("api-keys-table").Locator("tr", new() { HasText = name });
        await Assertions.Expect(row.GetByTestId("scope-credit")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("scope-usage:write")).ToHaveCountAsync(0);
        await page.ScreenshotAsync($"api-keys-scopes-{locale}-{width}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_administrator_sees_the_configured_ingestion_key_read_only_with_its_source_and_never_its_secret()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("admin", server.DemoPassword);
        await page.GotoAsync("/admin/api-keys");
        await page.WaitForInteractiveAsync();
        var configured = page.GetByTestId("configured-api-keys");
        await Assertions.Expect(configured).ToContainTextAsync("configuration key 0");
        await Assertions.Expect(configured).ToContainTextAsync("Configuration (Ingestion:ApiKeys)");
        Assert.DoesNotContain(ConsoleServer.IngestionKey, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(configured.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await page.ScreenshotAsync("api-keys-configured");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_administrator_creates_a_user_and_the_audit_log_shows_it_to_an_executive()
    {
        var page = await server.NewPageAsync();
        await page.SignInAsync("admin", server.DemoPassword);
        await page.GotoAsync("/admin/users");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("user-create").ClickAsync();
        // Each error under its own field, not in a summary at the bottom: a name that is taken, a password too short.
        await Input(page, "user-name").FillAsync("pm");
        await Input(page, "user-display-name").FillAsync("Li Na");
        await Input(page, "user-password").FillAsync("short");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(FieldHelp(page, "user-name")).ToContainTextAsync("That user name is taken.");
        await Assertions.Expect(FieldHelp(page, "user-password")).ToContainTextAsync("Passwords must be at least 10 characters.");
        await Assertions.Expect(page.GetByTestId("user-error")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("users-create-error");
        await Input(page, "user-name").FillAsync("");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(FieldHelp(page, "user-name")).ToContainTextAsync("Enter a user name.");
        await Input(page, "user-name").FillAsync("analyst");
        await Input(page, "user-password").FillAsync("Analyst-Pass-2026");
        await page.GetByTestId("user-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("users-table")).ToContainTextAsync("analyst");

        // A role change asks first: cancelled, nothing changes (not even after a reload); confirmed, it is made.
        await ChooseRoleAsync(page, "analyst", "Operations");
        var confirm = page.Locator(".mud-dialog").Filter(new() { HasText = "Li Na" });
        await Assertions.Expect(confirm).ToContainTextAsync("from Product manager to Operations");
        await page.ScreenshotAsync("users-role-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(RoleSelect(page, "analyst")).ToContainTextAsync("Product manager");
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(RoleSelect(page, "analyst")).ToContainTextAsync("Product manager");
        await ChooseRoleAsync(page, "analyst", "Operations");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Change role" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Role changed.");
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(RoleSelect(page, "analyst")).ToContainTextAsync("Operations");

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
