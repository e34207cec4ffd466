using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenConsole.Auth;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Overview;
using TokenConsole.Features.Pricing;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Overview;

/// <summary>
/// Issue 12, item 3: the app bar counts what the signed-in person may decide, and the overview lists it; what they
/// proposed themselves is not theirs to decide and shows under "my proposals" with its state. People are compared by
/// their stable id, shown by name.
/// </summary>
public sealed class PendingReviewsTests : ComponentTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = new();

    public PendingReviewsTests()
    {
        Services.AddModules(_database, new FakeTimeProvider(Now), b => b.AddOverview());
        using var db = _database.CreateDbContext();
        // Proposed by the product manager "pm-id" (Lin Wei): a submitted price change and a package version in review.
        db.PriceChanges.Add(new PriceChange
        {
            Title = "-15 % on finance in Guangdong", ProposedBy = "Lin Wei", ProposedById = "pm-id", ProposedAt = Now.AddHours(-2), SubmittedAt = Now.AddHours(-2),
            Status = PriceChangeStatus.PendingApproval, EffectiveAt = Now.AddDays(1),
        });
        // A change already decided: neither pending nor counted.
        db.PriceChanges.Add(new PriceChange { Title = "Night owls", ProposedBy = "Lin Wei", ProposedById = "pm-id", ProposedAt = Now.AddDays(-9), Status = PriceChangeStatus.Rejected });
        db.Packages.Add(new TokenPackage
        {
            Code = "ENT-NEW", CreatedBy = "Lin Wei", CreatedById = "pm-id", CreatedAt = Now.AddDays(-1), Status = PackageStatus.InReview,
            Versions = [new PackageVersion { Number = 1, Status = PackageStatus.InReview, NameEn = "Enterprise starter", NameZh = "企业入门包", CreatedBy = "Lin Wei", CreatedById = "pm-id", SubmittedBy = "Lin Wei", SubmittedById = "pm-id", SubmittedAt = Now.AddHours(-1) }],
        });
        db.SaveChanges();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _database.Dispose();
    }

    private void SignIn(string id, string name, string role) =>
        Services.AddSingleton<AuthenticationStateProvider>(new Person(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, id), new Claim(ConsoleClaimsFactory.DisplayNameClaim, name), new Claim(ClaimTypes.Role, role)], "test"))));

    [Fact]
    public void An_executive_sees_the_submitted_price_change_and_the_package_in_review_counted_and_listed()
    {
        UseCulture("en");
        SignIn("exec-id", "Chen Jing", Roles.Executive);

        var badge = Render<PendingReviewsBadge>();
        badge.WaitForAssertion(() => Assert.Equal("2", badge.Find("[data-testid='reviews-count']").TextContent));
        badge.Find("[data-testid='reviews-button']").Click();
        var items = badge.FindAll("[data-testid='reviews-item']");
        Assert.Equal(["/pricing/changes/1", "/packages/1"], items.Select(i => i.GetAttribute("href")));
        Assert.Contains("Lin Wei", items[0].TextContent, StringComparison.Ordinal);

        var panel = Render<PendingReviewsPanel>();
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll("[data-testid='pending-review']").Count));
        Assert.Contains("Enterprise starter (ENT-NEW v1)", panel.Markup, StringComparison.Ordinal);
        Assert.Empty(Render<MyProposalsPanel>().FindAll("[data-testid='my-proposal']"));
    }

    [Fact]
    public void The_product_manager_who_proposed_them_has_nothing_to_decide_and_sees_them_under_my_proposals_with_their_state()
    {
        UseCulture("zh-CN");
        SignIn("pm-id", "Lin Wei", Roles.ProductManager);

        var badge = Render<PendingReviewsBadge>();
        // A product manager may activate others' packages, so the button is there, with no count.
        badge.WaitForAssertion(() => Assert.NotNull(badge.Find("[data-testid='reviews-button']")));
        Assert.Empty(badge.FindAll("[data-testid='reviews-count']"));
        var panel = Render<PendingReviewsPanel>();
        panel.WaitForAssertion(() => Assert.NotNull(panel.Find("[data-testid='pending-review-none']")));

        var mine = Render<MyProposalsPanel>();
        mine.WaitForAssertion(() => Assert.Equal(3, mine.FindAll("[data-testid='my-proposal']").Count));
        var states = mine.FindAll("[data-testid='my-proposal-state']").Select(s => s.TextContent.Trim()).ToList();
        Assert.Equal(["审核中", "待审批", "已驳回"], states);
        Assert.Contains("企业入门包（ENT-NEW v1）", mine.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Operations_decide_nothing_and_the_app_bar_shows_no_reviews()
    {
        SignIn("ops-id", "Zhang Qiang", Roles.Operations);
        var badge = Render<PendingReviewsBadge>();
        Assert.Empty(badge.FindAll("[data-testid='reviews']"));
    }

    private sealed class Person(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
