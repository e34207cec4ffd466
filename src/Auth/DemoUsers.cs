namespace TokenConsole.Auth;

/// <summary>The five users seeded in demo mode, one per role.</summary>
public static class DemoUsers
{
    public sealed record DemoUser(string UserName, string DisplayName, string Role);

    public static readonly IReadOnlyList<DemoUser> All =
    [
        new("pm", "Lin Wei", Roles.ProductManager),
        new("ops", "Zhang Qiang", Roles.Operations),
        new("exec", "Chen Jing", Roles.Executive),
        new("am", "Liu Yang", Roles.AccountManager),
        new("admin", "Wang Fang", Roles.Administrator),
    ];
}
