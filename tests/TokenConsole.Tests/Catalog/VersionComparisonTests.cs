using Bunit;
using Microsoft.AspNetCore.Components;
using TokenConsole.Auth;
using TokenConsole.Features.Catalog;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Catalog;

/// <summary>The package page's side-by-side comparison reads as people speak: industries and models by name, not by code.</summary>
public sealed class VersionComparisonTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly CatalogTestBed _bed = new();

    public VersionComparisonTests()
    {
        Services.AddModules(_bed.Database, _bed.Clock, b => b.AddCatalog());
        SignInAs(Roles.Executive);
        SetRendererInfo(new RendererInfo("Server", true));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _bed.Dispose();
    }

    [Theory]
    [InlineData("en-US", "Consumer, Finance", "Finance")]
    [InlineData("zh-CN", "个人消费、金融", "金融")]
    public async Task The_comparison_names_the_industries_of_each_version(string culture, string v1, string v2)
    {
        UseCulture(culture);
        var packageId = (await _bed.Catalog.ListAsync(new PackageQuery(Search: "P-BIG"), Ct)).Rows.Single().Id;
        var form = (await _bed.Catalog.EditorAsync(packageId, Ct))!.Value.Form;
        form.Tags = ["finance"];
        Assert.True((await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, form, Ct)).Succeeded);

        var page = Render<PackageDetailPage>(p => p.Add(c => c.Id, packageId));

        page.WaitForAssertion(() => page.Find("[data-testid='version-comparison']"));
        var row = page.FindAll("[data-testid='version-comparison'] tr").Single(r => r.QuerySelector("td")?.TextContent.Contains(culture == "en-US" ? "Scenarios and industries" : "场景与行业", StringComparison.Ordinal) == true);
        var cells = row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal([v1, v2], cells[1..]);
    }
}
