using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Infrastructure;
using TokenConsole.Tests.Pricing;

namespace TokenConsole.Tests.Auth;

/// <summary>
/// Under Entra people are told apart by their object id (<c>oid</c>), never by their display name: two people of one
/// name may approve each other's work, and a person renamed in the directory is still the author of their own.
/// The principals are built here as Microsoft.Identity.Web hands them over (the directory cannot be reached from here).
/// </summary>
public sealed class EntraIdentityTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ConsoleFactory _factory = ConsoleFactory.InEntraMode();

    public void Dispose() => _factory.Dispose();

    /// <summary>A directory sign-in: the long-form oid claim, "name" and app roles in "roles".</summary>
    private static ClaimsPrincipal Person(string oid, string name, params string[] roles) =>
        new(new ClaimsIdentity([new Claim(Actor.ObjectIdClaim, oid), new Claim("name", name), .. roles.Select(r => new Claim("roles", r))],
            "AuthenticationTypes.Federation", "name", "roles"));

    private async Task<(int PackageId, int VersionId, uint Token)> SubmittedCloneAsync(PackageLifecycleService lifecycle, CatalogService catalog, ClaimsPrincipal author, string code)
    {
        int source;
        await using (var db = await _factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            source = await db.Packages.Where(p => p.Code == "SME-START").Select(p => p.Id).SingleAsync(Ct);
        }
        var clone = await lifecycle.CloneAsync(author, source, Ct).OkAsync();
        var form = (await catalog.EditorAsync(clone.PackageId, Ct))!.Value.Form;
        form.Code = code;
        var saved = await lifecycle.SaveDraftAsync(author, form, Ct).OkAsync();
        var token = (await catalog.DetailAsync(clone.PackageId, Ct))!.Versions[0].Token;
        await lifecycle.SubmitAsync(author, saved.VersionId, token, Ct).OkAsync();
        return (clone.PackageId, saved.VersionId, (await catalog.DetailAsync(clone.PackageId, Ct))!.Versions[0].Token);
    }

    [Fact]
    public async Task Two_people_with_one_display_name_approve_each_other_and_a_renamed_author_still_cannot_approve_their_own_package()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var lifecycle = scope.ServiceProvider.GetRequiredService<PackageLifecycleService>();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
        var liNa = Person("11111111-aaaa-4000-8000-000000000001", "Li Na", Roles.ProductManager);
        var otherLiNa = Person("22222222-bbbb-4000-8000-000000000002", "Li Na", Roles.ProductManager);

        var first = await SubmittedCloneAsync(lifecycle, catalog, liNa, "SME-ENTRA-1");
        await lifecycle.ActivateAsync(otherLiNa, first.VersionId, first.Token, null, Ct).OkAsync();

        var second = await SubmittedCloneAsync(lifecycle, catalog, liNa, "SME-ENTRA-2");
        var renamed = Person("11111111-aaaa-4000-8000-000000000001", "Li Na (Enterprise Sales)", Roles.ProductManager);
        var own = await lifecycle.ActivateAsync(renamed, second.VersionId, second.Token, null, Ct).RefusedAsync();
        Assert.Equal("You wrote this version: an executive or another product manager must activate it.", own.Code);

        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<TokenConsoleDbContext>>().CreateDbContextAsync(Ct);
        var activation = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.PackageActivated && a.EntityId == first.PackageId.ToString(), Ct);
        // The log shows the name and keeps the id: the two people of one name stay apart in the person filter.
        Assert.Equal(("22222222-bbbb-4000-8000-000000000002", "Li Na"), (activation.ActorId, activation.ActorName));
        var actors = (await scope.ServiceProvider.GetRequiredService<AuditLogService>().FilterValuesAsync(Ct)).Actors;
        Assert.Contains(new AuditActorOption("22222222-bbbb-4000-8000-000000000002", "Li Na"), actors);
        Assert.Contains(actors, a => a.Id == "11111111-aaaa-4000-8000-000000000001");
        var byTheOther = await scope.ServiceProvider.GetRequiredService<AuditLogService>()
            .PageAsync(new AuditFilter(ActorId: "22222222-bbbb-4000-8000-000000000002"), 0, 50, Ct);
        Assert.Equal([AuditActions.PackageActivated], byTheOther.Items.Select(a => a.Action));
    }

    [Fact]
    public async Task A_namesake_may_approve_a_price_change_and_its_renamed_proposer_may_not()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<PriceChangeService>();
        // One person holding both app roles: the policy lets them approve, only maker–checker stops them.
        var wang = Person("33333333-cccc-4000-8000-000000000003", "Wang Fang", Roles.ProductManager, Roles.Executive);
        var otherWang = Person("44444444-dddd-4000-8000-000000000004", "Wang Fang", Roles.Executive);
        var later = DateTimeOffset.UtcNow.AddDays(30);

        async Task<PriceChange> ProposeAsync(string name)
        {
            var draft = await changes.SaveDraftAsync(wang, null, 0, name, "", PriceChangeAudience.AllSubscriptions, later, PriceChangeWorkflowTests.FinanceGd(name: name), null, Ct).OkAsync();
            return await changes.SubmitAsync(wang, draft.Id, draft.Version, Ct).OkAsync();
        }

        var first = await ProposeAsync("entra-namesake");
        Assert.Equal(PriceChangeStatus.Scheduled, (await changes.ApproveAsync(otherWang, first.Id, first.Version, "Margin holds", Ct).OkAsync()).Status);

        var second = await ProposeAsync("entra-renamed");
        var renamed = Person("33333333-cccc-4000-8000-000000000003", "Wang F.", Roles.ProductManager, Roles.Executive);
        Assert.Equal("The proposer of a price change cannot approve it.", (await changes.ApproveAsync(renamed, second.Id, second.Version, "Margin holds", Ct).RefusedAsync()).Code);
        Assert.Equal(PriceChangeStatus.PendingApproval, (await changes.FindAsync(second.Id, Ct))!.Status);
    }
}
