using Microsoft.Playwright;

namespace TokenConsole.E2E;

/// <summary>
/// Issue 12, item 9: the console runs in Chromium under its Content-Security-Policy — the circuit, MudBlazor, the
/// charts and the dialogs — without a single violation.
/// </summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class SecurityTests(ConsoleServer server)
{
    /// <summary>Collects the document's CSP violation events; Playwright injects it before any script of the page runs.</summary>
    private const string ViolationListener = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e =>
            window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
        """;

    [Fact]
    public async Task The_overview_a_chart_page_and_a_dialog_run_under_the_content_security_policy_without_a_violation()
    {
        var page = await server.NewPageAsync();
        var errors = new List<string>();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.AddInitScriptAsync(ViolationListener);

        var login = await page.GotoAsync("/account/login");
        var policy = await login!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(policy);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);

        await page.SignInAsync("admin", server.DemoPassword);
        var overview = await page.GotoAsync("/");
        Assert.NotNull(await overview!.HeaderValueAsync("content-security-policy"));
        await page.WaitForInteractiveAsync();
        violations.AddRange(await ViolationsAsync(page));

        await page.GotoAsync("/consumption");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByTestId("heatmap").Locator("rect.apexcharts-heatmap-rect")).ToHaveCountAsync(31 * 15);
        violations.AddRange(await ViolationsAsync(page));

        await page.GotoAsync("/admin/users");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("user-create").ClickAsync();
        await page.Locator(".mud-dialog").WaitForAsync();
        await page.ScreenshotAsync("security-dialog-under-csp");
        violations.AddRange(await ViolationsAsync(page));
        await page.Context.CloseAsync();

        Assert.True(violations.Count == 0, "CSP violations: " + string.Join(" | ", violations));
        var cspErrors = errors.Where(e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(cspErrors.Count == 0, "CSP console errors: " + string.Join(" | ", cspErrors));
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    private static async Task<string[]> ViolationsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []");
}
