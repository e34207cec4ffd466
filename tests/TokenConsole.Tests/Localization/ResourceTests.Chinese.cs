using System.Text.RegularExpressions;
using TokenConsole.Features.Admin;

namespace TokenConsole.Tests.Localization;

/// <summary>
/// The Chinese resources say "Token" one way (e.g. "Token 用量", "百万 Token", "Token/秒"), never the English "tokens" or a
/// lower-case "token", and no English word stands untranslated where a Chinese reader meets it.
/// </summary>
public sealed partial class ResourceTests
{
    // Names a reader types or reads as code: the CSV columns and the rule expressions' members.
    private static readonly string[] CodeNames = ["inputTokens", "outputTokens", "u.MonthlyTokens", "u.Tokens"];

    // Values that are the same in both languages on purpose.
    private static readonly HashSet<string> SameInBothLanguages = ["Excel", "CSV"];

    [Fact]
    public void Chinese_says_Token_one_way_and_leaves_no_English_value_untranslated()
    {
        var en = Load("SharedResource.resx");
        var zh = Load("SharedResource.zh-CN.resx");
        AssertNoneMissing(en.Keys.Where(key => !zh.ContainsKey(key)));
        var wrong = zh.Where(pair =>
        {
            var value = CodeNames.Aggregate(pair.Value, (v, name) => v.Replace(name, "", StringComparison.Ordinal));
            return EnglishTokens().IsMatch(value);
        }).Select(pair => $"{pair.Key} = {pair.Value}");
        AssertNoneMissing(wrong);
        // A value still equal to its English text, letters and all, was not translated.
        AssertNoneMissing(zh.Where(pair => pair.Value == en[pair.Key] && Regex.IsMatch(pair.Value, "[A-Za-z]{2,}") && !SameInBothLanguages.Contains(pair.Value))
            .Select(pair => pair.Key));
    }

    [Fact]
    public void Every_field_the_audit_log_records_has_an_English_and_a_Chinese_name()
    {
        var en = Load("SharedResource.resx");
        var zh = Load("SharedResource.zh-CN.resx");
        var fields = Recorded.SelectMany(t => t.GetProperties()).Select(p => AuditFields.ResourceKey(p.Name)).Distinct().ToList();
        Assert.NotEmpty(fields);
        AssertNoneMissing(fields.Where(key => !en.ContainsKey(key) || !zh.ContainsKey(key)));
        AssertNoneMissing(fields.Where(key => zh.TryGetValue(key, out var value) && Regex.IsMatch(value, "^[A-Za-z ]+$")));
    }

    // What the audited changes record before and after (AuditedWriter serializes these records as they are).
    private static readonly Type[] Recorded =
    [
        typeof(TokenConsole.Features.Catalog.PackageTerms), typeof(TokenConsole.Features.Compute.ModelSnapshot), typeof(TokenConsole.Features.Compute.PoolSnapshot),
        typeof(TokenConsole.Features.Compute.DeploymentSnapshot), typeof(TokenConsole.Features.Pricing.PriceChangeSnapshot), typeof(TokenConsole.Features.Pricing.RuleSetSnapshot),
        typeof(UserSnapshot), typeof(ApiKeySnapshot), typeof(TokenConsole.Features.Usage.UsageImportSnapshot), typeof(TokenConsole.Features.Customers.CustomerSnapshot),
    ];

    // "tokens" in any case, or "token" in lower case, as a word of its own.
    [GeneratedRegex(@"(?i:\btokens\b)|\btoken\b")]
    private static partial Regex EnglishTokens();
}
