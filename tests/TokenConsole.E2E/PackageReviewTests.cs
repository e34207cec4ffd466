using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static TokenConsole.E2E.Pages;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.E2E;

/// <summary>
/// An approver decides with the facts in front of them: the whole version in review, read-only, opened from the activation
/// dialog; the packages grid fits a 1440 px window.
/// </summary>
[Collection(ConsoleServerCollection.Name)]
public sealed class PackageReviewTests(ConsoleServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The product manager puts a new version of ENT-CS (two volume tiers, four models) in review, through the services as
    /// the designer would: the browser part of that is covered by <see cref="PackageDesignerTests"/>.
    /// </summary>
    private async Task<(int PackageId, int VersionId)> PutNewVersionInReviewAsync(string code)
    {
        using var scope = server.Services.CreateScope();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<PackageLifecycleService>();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var pmId = await db.Users.Where(u => u.UserName == "pm").Select(u => u.Id).SingleAsync(Ct);
        var pm = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, pmId), new Claim(ClaimTypes.Name, "pm"), new Claim(ConsoleClaimsFactory.DisplayNameClaim, "Lin Wei"),
             new Claim(ClaimTypes.Role, Roles.ProductManager)], "test"));
        var packageId = await db.Packages.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(Ct);

        var form = (await catalog.EditorAsync(packageId, Ct))!.Value.Form;
        form.PriceCny += 2_000m;
        form.Tags = [.. form.Tags.Append("government").Distinct()];
        var saved = await lifecycle.SaveDraftAsync(pm, form, Ct);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);
        var token = (await catalog.DetailAsync(packageId, Ct))!.Versions[0].Token;
        var submitted = await lifecycle.SubmitAsync(pm, saved.Value!.VersionId, token, Ct);
        Assert.True(submitted.Succeeded, submitted.Refusal?.Code);
        return (packageId, saved.Value!.VersionId);
    }

    [Fact]
    public async Task An_executive_reads_the_whole_version_in_review_from_the_activation_dialog_then_activates_it()
    {
        var (packageId, versionId) = await PutNewVersionInReviewAsync("ENT-CS");
        var exec = await server.NewPageAsync();
        await exec.SignInAsync("exec", server.DemoPassword);
        await exec.GotoAsync($"/packages/{packageId}");
        await exec.WaitForInteractiveAsync();
        await Assertions.Expect(exec.GetByTestId("version-comparison")).ToBeVisibleAsync();
        await exec.ScreenshotAsync("package-version-compare-names");

        await exec.GetByTestId("action-activate").ClickAsync();
        var dialog = exec.GetByTestId("activate-dialog");
        var view = await exec.Context.RunAndWaitForPageAsync(() => dialog.GetByTestId("activate-view").ClickAsync());
        await view.WaitForURLAsync($"**/packages/{packageId}/versions/{versionId}");
        await view.WaitForInteractiveAsync();

        // Tiers, entitlements, limits and SLA, margin, ladder and the capacity check of v2, read-only.
        await Assertions.Expect(view.GetByTestId("version-view-title")).ToContainTextAsync("ENT-CS v2");
        await Assertions.Expect(Field(view, "tier-1-from")).ToHaveValueAsync("20000000000");
        await Assertions.Expect(view.GetByTestId("tier-1")).ToContainTextAsync("= 20B");
        await Assertions.Expect(Field(view, "tier-1-price")).ToHaveValueAsync("4");
        await Assertions.Expect(view.GetByTestId("section-entitlements").Locator("input[data-testid^='entitlement-'][data-testid$='-multiplier']")).ToHaveCountAsync(4);
        var models = await view.GetByTestId("section-entitlements").Locator("input").EvaluateAllAsync<string[]>("inputs => inputs.map(i => i.value)");
        Assert.Contains("Qwen-Max", models);
        await Assertions.Expect(Field(view, "field-concurrency")).ToHaveValueAsync("200");
        await Assertions.Expect(Field(view, "field-sla")).ToHaveValueAsync("99.95");
        await Assertions.Expect(view.GetByTestId("margin-price")).ToHaveTextAsync("¥38,000.00");
        await Assertions.Expect(view.GetByTestId("ladder-this")).ToBeVisibleAsync();
        await Assertions.Expect(view.GetByTestId("capacity-check")).ToContainTextAsync("would raise");
        Assert.True(await Field(view, "field-price").IsEditableAsync() is false, "The read-only view lets the price be edited.");
        await Assertions.Expect(view.GetByTestId("designer-save")).ToHaveCountAsync(0);
        await view.ScreenshotAsync("package-version-view");

        var narrow = await server.NewPageAsync(400, 860, storageState: await exec.Context.StorageStateAsync());
        await narrow.GotoAsync(new Uri(view.Url).AbsolutePath);
        await narrow.GetByTestId("margin-preview").WaitForAsync();
        Assert.False(await narrow.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1"), "The version view scrolls sideways at 400 px.");
        await narrow.ScreenshotAsync("package-version-view-narrow");
        await narrow.Context.CloseAsync();

        // What the capacity check assumed, in a line, beside its warnings.
        await exec.BringToFrontAsync();
        await Assertions.Expect(dialog.GetByTestId("activate-assumptions")).ToContainTextAsync("tokens per minute");
        await Assertions.Expect(dialog.GetByTestId("activate-warning").First).ToContainTextAsync("would raise");
        await exec.ScreenshotAsync("package-activate-dialog");

        // Activated: the page says what the launch did, no longer what it would do.
        await exec.GetByTestId("activate-confirm").ClickAsync();
        await Assertions.Expect(exec.GetByTestId("detail-message")).ToContainTextAsync("v2 is on sale.");
        await Assertions.Expect(exec.GetByTestId("detail-warning").First).ToContainTextAsync("With this version on sale");
        await Assertions.Expect(exec.GetByTestId("detail-warning").Filter(new() { HasText = "would" })).ToHaveCountAsync(0);
        await exec.Context.CloseAsync();
    }

    [Fact]
    public async Task The_version_view_and_the_comparison_read_in_Chinese()
    {
        var (packageId, versionId) = await PutNewVersionInReviewAsync("ENT-MKT");
        var page = await server.NewPageAsync();
        await page.SignInAsync("ops", server.DemoPassword);
        await page.GotoAsync($"/culture/set?culture=zh-CN&redirectUri=%2Fpackages%2F{packageId}");
        await page.WaitForInteractiveAsync();
        // Industries by name in the comparison (营销 media, 零售 retail, 政务 government), never their codes.
        var tags = page.GetByTestId("version-comparison").Locator("tr").Filter(new() { HasText = "场景与行业" });
        await Assertions.Expect(tags).ToContainTextAsync("政务");
        await Assertions.Expect(tags).Not.ToContainTextAsync("government");
        await page.ScreenshotAsync("package-version-compare-zh");

        await page.GetByTestId($"view-version-2").ClickAsync();
        await page.WaitForURLAsync($"**/packages/{packageId}/versions/{versionId}");
        await Assertions.Expect(page.GetByTestId("margin-preview")).ToContainTextAsync("毛利预览");
        await Assertions.Expect(page.GetByTestId("capacity-check")).ToBeVisibleAsync();
        await page.ScreenshotAsync("package-version-view-zh");

        var narrow = await server.NewPageAsync(400, 860, storageState: await page.Context.StorageStateAsync());
        await narrow.GotoAsync(new Uri(page.Url).AbsolutePath);
        await narrow.GetByTestId("margin-preview").WaitForAsync();
        Assert.False(await narrow.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1"), "The version view scrolls sideways at 400 px.");
        await narrow.ScreenshotAsync("package-version-view-narrow-zh");
        await narrow.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("zh-CN")]
    public async Task At_1440_px_the_packages_grid_shows_its_actions_column_whole(string culture)
    {
        var page = await server.NewPageAsync(1440, 900);
        await page.SignInAsync("pm", server.DemoPassword);
        await page.GotoAsync(culture == "zh-CN" ? "/culture/set?culture=zh-CN&redirectUri=%2Fpackages" : "/packages");
        await page.WaitForInteractiveAsync();
        await page.GetByTestId("packages-grid").Locator("[data-testid='edit-P-LITE']").WaitForAsync();

        // The last cell of each row (the actions) ends inside the grid and inside the window, with no sideways scrolling.
        var overflow = await page.EvaluateAsync<string?>("""
            () => {
              const grid = document.querySelector("[data-testid='packages-grid']").getBoundingClientRect();
              for (const row of document.querySelectorAll("[data-testid='packages-grid'] tbody tr")) {
                const cell = row.lastElementChild.getBoundingClientRect();
                const buttons = [...row.lastElementChild.querySelectorAll("button, a")].map(b => b.getBoundingClientRect().right);
                const right = Math.max(cell.right, ...buttons);
                if (right > grid.right + 0.5 || right > window.innerWidth) { return `${row.innerText.split("\n")[0]}: ${right} > ${Math.min(grid.right, window.innerWidth)}`; }
              }
              return null;
            }
            """);
        await page.ScreenshotAsync(culture == "en-US" ? "packages-grid-1440" : "packages-grid-1440-zh");
        Assert.Null(overflow);
        Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1"), "The packages page scrolls sideways at 1440 px.");
        await page.Context.CloseAsync();
    }
}
