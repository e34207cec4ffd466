using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TokenConsole.Data;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;
using TokenConsole.Tests.Infrastructure;

namespace TokenConsole.Tests.Catalog;

/// <summary>The catalog inside the whole application: its pages' role guards, its hosted scheduler and a lifecycle over the demo data.</summary>
public sealed class PackageHostTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("pm", true)]
    [InlineData("ops", false)]
    [InlineData("exec", false)]
    [InlineData("admin", false)]
    public async Task Only_a_product_manager_opens_the_designer(string user, bool allowed)
    {
        using var client = await factory.SignedInClientAsync(user);
        var id = await PackageIdAsync("P-PLUS");
        foreach (var page in new[] { "/packages/new", $"/packages/{id}/edit" })
        {
            var response = await client.GetAsync(page, Ct);
            Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Redirect, response.StatusCode);
            if (!allowed)
            {
                Assert.StartsWith("/account/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("pm")]
    [InlineData("ops")]
    [InlineData("exec")]
    [InlineData("admin")]
    public async Task Everyone_reads_a_package_and_its_versions(string user)
    {
        using var client = await factory.SignedInClientAsync(user);
        var id = await PackageIdAsync("P-LITE");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/packages/{id}", Ct));
        Assert.Contains("Personal Lite", html, StringComparison.Ordinal);
        Assert.Contains("Version history", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pm")]
    [InlineData("ops")]
    [InlineData("exec")]
    [InlineData("admin")]
    public async Task Every_reader_opens_the_read_only_view_of_a_version_in_review(string user)
    {
        using var client = await factory.SignedInClientAsync(user);
        var id = await PackageIdAsync("ENT-ENERGY");
        var version = await VersionIdAsync(id, 1);
        var response = await client.GetAsync($"/packages/{id}/versions/{version}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        // The designer's sections, read-only, with the margin preview, the price ladder and the capacity check.
        foreach (var part in new[] { "section-basics", "section-pricing", "section-entitlements", "section-limits", "margin-preview", "price-ladder", "capacity-check" })
        {
            Assert.Contains($"data-testid=\"{part}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("Energy Operations", html, StringComparison.Ordinal);
        Assert.DoesNotContain("designer-save", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authors_and_approvers_of_the_demo_packages_are_shown_by_name_and_recorded_by_id()
    {
        using var client = await factory.SignedInClientAsync("ops");
        var id = await PackageIdAsync("P-LITE");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/packages/{id}", Ct));
        var row = Regex.Match(html, "data-testid=\"version-1\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<td>Lin Wei</td>", row, StringComparison.Ordinal);
        Assert.Contains("<td>Chen Jing</td>", row, StringComparison.Ordinal);

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var pm = await db.Users.Where(u => u.UserName == "pm").Select(u => u.Id).SingleAsync(Ct);
        var version = await db.PackageVersions.Where(v => v.PackageId == id).SingleAsync(Ct);
        Assert.Equal((pm, pm), (version.CreatedById, version.SubmittedById));
    }

    [Fact]
    public void The_application_runs_the_scheduled_activation_service()
    {
        Assert.Contains(factory.Services.GetServices<IHostedService>(), s => s is ScheduledActivationService);
    }

    [Fact]
    public async Task A_clone_of_a_demo_package_goes_through_review_to_sale_with_every_step_audited()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var lifecycle = scope.ServiceProvider.GetRequiredService<PackageLifecycleService>();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();

        var clone = await lifecycle.CloneAsync(CatalogTestBed.Pm, await PackageIdAsync("SME-START"), Ct);
        Assert.True(clone.Succeeded, clone.Refusal?.Code);
        var form = (await catalog.EditorAsync(clone.Value!.PackageId, Ct))!.Value.Form;
        form.Code = "SME-START-HOST";
        form.PriceCny = 349m;
        var saved = await lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct);
        Assert.True(saved.Succeeded, saved.Refusal?.Code);
        var token = (await catalog.DetailAsync(clone.Value!.PackageId, Ct))!.Versions[0].Token;
        Assert.True((await lifecycle.SubmitAsync(CatalogTestBed.Pm, saved.Value!.VersionId, token, Ct)).Succeeded);
        token = (await catalog.DetailAsync(clone.Value!.PackageId, Ct))!.Versions[0].Token;
        Assert.False((await lifecycle.ActivateAsync(CatalogTestBed.Pm, saved.Value!.VersionId, token, null, Ct)).Succeeded);
        var activated = await lifecycle.ActivateAsync(CatalogTestBed.Exec, saved.Value!.VersionId, token, null, Ct);
        Assert.True(activated.Succeeded, activated.Refusal?.Code);
        // Warnings never block. In the demo data every model is sold far beyond its deployed capacity (see the capacity
        // page), so the capacity check names each of the four models SME-START entitles.
        Assert.Equal(4, activated.Warnings.Count);
        // Said after the launch: what it did, not what it would do.
        Assert.All(activated.Warnings, w => Assert.StartsWith("With this version on sale, the sold commitment on ", w, StringComparison.Ordinal));
        Assert.All(activated.Warnings, w => Assert.DoesNotContain("would", w, StringComparison.Ordinal));

        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var key = clone.Value!.PackageId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var actions = await db.AuditEntries.Where(a => a.EntityType == "Package" && a.EntityId == key).OrderBy(a => a.Id).Select(a => a.Action + " by " + a.ActorName).ToListAsync(Ct);
        Assert.Equal([AuditActions.PackageCloned + " by pm", AuditActions.PackageDraftEdited + " by pm", AuditActions.PackageSubmitted + " by pm", AuditActions.PackageActivated + " by exec"], actions);
        Assert.True(await catalog.IsOpenForNewSubscriptionsAsync(clone.Value!.PackageId, Ct));
        var (rows, _) = await catalog.ListAsync(new PackageQuery(Search: "SME-START-HOST"), Ct);
        Assert.Equal(PackageStatus.Active, rows.Single().Status);
    }

    private async Task<int> VersionIdAsync(int packageId, int number)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await db.PackageVersions.Where(v => v.PackageId == packageId && v.Number == number).Select(v => v.Id).SingleAsync(Ct);
    }

    private async Task<int> PackageIdAsync(string code)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await db.Packages.Where(p => p.Code == code).Select(p => p.Id).SingleAsync(Ct);
    }
}
