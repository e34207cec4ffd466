using TokenConsole.Features.Admin;

namespace TokenConsole.Tests.Localization;

public sealed partial class ResourceTests
{
    [Fact]
    public void Every_audit_action_has_an_English_and_a_Chinese_name_and_no_action_is_a_sentence()
    {
        var en = Load("SharedResource.resx");
        var zh = Load("SharedResource.zh-CN.resx");
        AssertNoneMissing(AuditActions.All.Where(a => !en.ContainsKey(AuditActions.ResourceKey(a)) || !zh.ContainsKey(AuditActions.ResourceKey(a))));
        Assert.All(AuditActions.All, a => Assert.Matches("^[a-z]+(\\.[a-z_]+)+$", a));
        Assert.Equal(AuditActions.All.Count, AuditActions.All.Distinct().Count());
        // The constants are the list: a new action without an entry in All fails here.
        var declared = typeof(AuditActions).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order();
        Assert.Equal(declared, AuditActions.All.Order());
        Assert.All(AuditActions.All, a => Assert.NotEqual(en[AuditActions.ResourceKey(a)], zh[AuditActions.ResourceKey(a)]));
    }
}
