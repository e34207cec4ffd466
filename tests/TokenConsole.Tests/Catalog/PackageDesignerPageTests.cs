using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Features.Catalog;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Catalog;

/// <summary>The designer page over a real database: two people editing the same draft.</summary>
public sealed class PackageDesignerPageTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private readonly CatalogTestBed _bed = new();

    public PackageDesignerPageTests()
    {
        Services.AddModules(_bed.Database, _bed.Clock, b => b.AddCatalog());
        SignInAs(Roles.ProductManager);
        SetRendererInfo(new RendererInfo("Server", true));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _bed.Dispose();
    }

    [Fact]
    public async Task The_second_save_of_a_draft_is_refused_with_a_message_and_a_reload_that_shows_the_other_edit()
    {
        var saved = await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.Pm, CatalogTestBed.NewForm(), Ct);
        var page = Render<PackageDesignerPage>(p => p.Add(c => c.Id, saved.Value!.PackageId));
        page.WaitForAssertion(() => page.Find("[data-testid='designer-save']"));

        // Someone else saves the same draft first.
        var theirs = (await _bed.Catalog.EditorAsync(saved.Value!.PackageId, Ct))!.Value.Form;
        theirs.NameEn = "Their name";
        Assert.True((await _bed.Lifecycle.SaveDraftAsync(CatalogTestBed.OtherPm, theirs, Ct)).Succeeded);

        page.Find("[data-testid='field-name-en']").Input("My name");
        page.Find("[data-testid='designer-save']").Click();

        page.WaitForAssertion(() => Assert.Contains("Someone else changed this after you opened it", page.Find("[data-testid='designer-conflict']").TextContent, StringComparison.Ordinal));
        await using (var db = _bed.Database.CreateDbContext())
        {
            Assert.Equal("Their name", await db.PackageVersions.Where(v => v.Id == saved.Value!.VersionId).Select(v => v.NameEn).SingleAsync(Ct));
        }
        page.Find("[data-testid='designer-reload']").Click();
        page.WaitForAssertion(() => Assert.Equal("Their name", page.Find("[data-testid='field-name-en']").GetAttribute("value")));
        Assert.Empty(page.FindAll("[data-testid='designer-conflict']"));
    }
}
