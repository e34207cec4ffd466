using Bunit;
using TokenConsole.Features.Admin;
using TokenConsole.Tests.Components;

namespace TokenConsole.Tests.Admin;

/// <summary>The audit log shows the enum values its entries store by name in the reader's language.</summary>
public sealed class AuditDiffTests : ComponentTestContext
{
    private static AuditEntry Entry(string entityType, string before, string after) => new()
    {
        ActorId = "u1", ActorName = "Chen Jing", Action = AuditActions.PriceChangeApproved, EntityType = entityType,
        BeforeJson = before, AfterJson = after,
    };

    [Theory]
    [InlineData("zh-CN", "待审批", "已排期", "运营人员", "状态", "标题")]
    [InlineData("en", "Pending approval", "Scheduled", "Operations", "Status", "Title")]
    public void Statuses_and_roles_read_in_the_readers_language(string culture, string pending, string scheduled, string operations, string status, string title)
    {
        UseCulture(culture);
        var change = Render<AuditDiff>(p => p.Add(d => d.Entry, Entry("PriceChange",
            """{"Status":"PendingApproval","Title":"PendingApproval"}""", """{"Status":"Scheduled","Title":"Scheduled"}""")));
        var rows = change.FindAll("tr").Select(r => r.TextContent).ToList();
        Assert.Contains(rows, r => r.Contains(status, StringComparison.Ordinal) && r.Contains(pending, StringComparison.Ordinal) && r.Contains(scheduled, StringComparison.Ordinal));
        // A free-text field keeps its words, whatever they look like.
        Assert.Contains(rows, r => r.Contains(title, StringComparison.Ordinal) && r.Contains("PendingApproval → Scheduled", StringComparison.Ordinal));

        var role = Render<AuditDiff>(p => p.Add(d => d.Entry, Entry("User", """{"Role":"ProductManager"}""", """{"Role":"Operations"}""")));
        Assert.Contains(operations, role.Find("tr").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_names_read_in_Chinese_list_indexes_kept()
    {
        UseCulture("zh-CN");
        var change = Render<AuditDiff>(p => p.Add(d => d.Entry, Entry("Package",
            """{"NameZh":"旧","IncludedTokens":1000,"Tiers":["a"]}""", """{"NameZh":"新","IncludedTokens":2000,"Tiers":["b"]}""")));
        var names = change.FindAll("tr td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["中文名称", "包含 Token 数", "阶梯[0]"], names);
    }

    [Theory]
    [InlineData("en", "¥2,000.00", "2 Mar 2027 14:57 Beijing time", "500,000,000")]
    [InlineData("zh-CN", "¥2,000.00", "2027年3月2日 14:57 北京时间", "500,000,000")]
    public void Instants_amounts_in_fen_large_counts_and_nulls_read_as_the_pages_show_them(string culture, string price, string validTo, string tokens)
    {
        UseCulture(culture);
        var change = Render<AuditDiff>(p => p.Add(d => d.Entry, Entry("AllowanceBucket", """{"To":null}""",
            """{"PriceFen":200000,"ValidTo":"2027-03-02T06:57:39.1483944+00:00","Included":500000000,"Number":12,"To":"2027-03-02T06:57:39Z"}""")));
        var text = change.Find("table").TextContent;
        Assert.Contains(price, text, StringComparison.Ordinal);
        Assert.Contains(validTo, text, StringComparison.Ordinal);
        Assert.Contains(tokens, text, StringComparison.Ordinal);
        Assert.Contains("12", text, StringComparison.Ordinal);
        Assert.Contains("—", text, StringComparison.Ordinal);
        Assert.DoesNotContain("null", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2027-03-02T", text, StringComparison.Ordinal);
    }
}
