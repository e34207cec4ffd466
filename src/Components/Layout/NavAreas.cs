using MudBlazor;
using TokenConsole.Auth;

namespace TokenConsole.Components.Layout;

/// <summary>The areas of the console in the order of the navigation drawer, with the policy that opens each.</summary>
public static class NavAreas
{
    public sealed record Area(string Key, string Title, string Href, string Icon, string Policy, IReadOnlyList<Area> Children);

    private static Area Leaf(string key, string title, string href, string icon, string policy = Policies.Read) => new(key, title, href, icon, policy, []);

    public static readonly IReadOnlyList<Area> All =
    [
        Leaf("overview", "Overview", "/", Icons.Material.Filled.Dashboard),
        Leaf("customers", "nav.Customers", "/customers", Icons.Material.Filled.Groups),
        Leaf("bills", "Bills", "/bills", Icons.Material.Filled.ReceiptLong),
        Leaf("notifications", "Notifications", "/notifications", Icons.Material.Filled.NotificationsActive),
        Leaf("packages", "Packages", "/packages", Icons.Material.Filled.Inventory2),
        new("compute-area", "Models & pools", "/compute", Icons.Material.Filled.Memory, Policies.Read,
        [
            Leaf("compute", "Models, pools & mapping", "/compute", Icons.Material.Filled.Hub),
            Leaf("capacity", "Capacity", "/compute/capacity", Icons.Material.Filled.Speed),
        ]),
        Leaf("consumption", "Consumption", "/consumption", Icons.Material.Filled.GridOn),
        new("pricing", "Pricing", "/pricing", Icons.Material.Filled.PriceChange, Policies.Read,
        [
            Leaf("price-rules", "Price rules", "/pricing/rules", Icons.Material.Filled.Rule),
            Leaf("price-changes", "Price changes", "/pricing/changes", Icons.Material.Filled.FactCheck),
            Leaf("quote", "Quote tester", "/pricing/quote", Icons.Material.Filled.Calculate),
        ]),
        Leaf("reports", "Reports", "/reports", Icons.Material.Filled.Assessment),
        new("admin", "Admin", "/admin", Icons.Material.Filled.AdminPanelSettings, Policies.ReadAudit,
        [
            Leaf("users", "Users & roles", "/admin/users", Icons.Material.Filled.People, Policies.ManageAdmin),
            Leaf("api-keys", "API keys", "/admin/api-keys", Icons.Material.Filled.Key, Policies.ManageAdmin),
            Leaf("audit", "Audit log", "/admin/audit", Icons.Material.Filled.History, Policies.ReadAudit),
        ]),
    ];
}
