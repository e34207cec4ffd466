using Bunit;
using TokenConsole.Auth;
using TokenConsole.Components.Layout;

namespace TokenConsole.Tests.Components;

public sealed class NavMenuTests : ComponentTestContext
{
    private static readonly string[] AllLinks = ["overview", "customers", "bills", "notifications", "packages", "compute", "consumption", "pricing", "reports", "admin", "users", "api-keys", "audit"];

    [Theory]
    [InlineData(Roles.ProductManager, "overview,customers,bills,notifications,packages,compute,consumption,pricing,reports")]
    [InlineData(Roles.Operations, "overview,customers,bills,notifications,packages,compute,consumption,pricing,reports")]
    [InlineData(Roles.AccountManager, "overview,customers,bills,notifications,packages,compute,consumption,pricing,reports")]
    [InlineData(Roles.Executive, "overview,customers,bills,notifications,packages,compute,consumption,pricing,reports,admin,audit")]
    [InlineData(Roles.Administrator, "overview,customers,bills,notifications,packages,compute,consumption,pricing,reports,admin,users,api-keys,audit")]
    public void The_drawer_shows_each_role_only_the_areas_it_may_open(string role, string expected)
    {
        SignInAs(role);
        var nav = Render<NavMenu>();
        var shown = AllLinks.Where(key => nav.FindAll($"[data-testid='nav-{key}']").Count > 0);
        Assert.Equal(expected.Split(','), shown);
    }

    [Fact]
    public void A_person_without_a_role_sees_no_area()
    {
        SignInAs("Visitor");
        var nav = Render<NavMenu>();
        Assert.DoesNotContain(nav.FindAll("[data-testid]"), e => e.GetAttribute("data-testid")!.StartsWith("nav-", StringComparison.Ordinal));
    }

    [Fact]
    public void The_areas_are_named_in_Chinese_when_the_UI_is_Chinese()
    {
        UseCulture("zh-CN");
        SignInAs(Roles.Executive);
        var nav = Render<NavMenu>();
        Assert.Contains("总览", nav.Find("[data-testid='nav-overview']").TextContent, StringComparison.Ordinal);
        Assert.Contains("审计日志", nav.Find("[data-testid='nav-audit']").TextContent, StringComparison.Ordinal);
        // 客户, the area; not 客户数, the count that the KPI cards label "Customers".
        Assert.Equal("客户", nav.Find("[data-testid='nav-customers']").TextContent.Trim());
    }
}
