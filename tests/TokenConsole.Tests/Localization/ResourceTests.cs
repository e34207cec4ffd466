using System.Text.RegularExpressions;
using System.Xml.Linq;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Features.Catalog;
using TokenConsole.Features.Compute;

namespace TokenConsole.Tests.Localization;

/// <summary>Every UI string has an English and a Chinese resource, so no page shows a raw key or half a translation.</summary>
public sealed partial class ResourceTests
{
    private static readonly string Root = Repository.Root;

    private static Dictionary<string, string> Load(string file) =>
        XDocument.Load(Path.Combine(Root, "src", "Localization", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void English_and_Chinese_resources_have_the_same_keys_and_Chinese_is_translated()
    {
        var en = Load("SharedResource.resx");
        var zh = Load("SharedResource.zh-CN.resx");
        Assert.Equal(en.Keys.Order(), zh.Keys.Order());
        Assert.All(zh, pair => Assert.False(string.IsNullOrWhiteSpace(pair.Value), pair.Key));
    }

    [Fact]
    public void Every_MudBlazor_string_has_a_Chinese_translation()
    {
        var mudBlazor = typeof(MudBlazor.MudLocalizer).Assembly;
        var name = mudBlazor.GetManifestResourceNames().Single(n => n.EndsWith("LanguageResource.resources", StringComparison.Ordinal));
        using var reader = new System.Resources.ResourceReader(mudBlazor.GetManifestResourceStream(name)!);
        var keys = reader.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key);
        var zh = Load("MudBlazorResource.zh-CN.resx");
        AssertNoneMissing(keys.Where(key => !zh.ContainsKey(key)));
    }

    [Fact]
    public void Every_literal_string_the_components_localize_has_a_resource()
    {
        var en = Load("SharedResource.resx");
        var used = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => LocalizedLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(TokenConsole.Components.Layout.NavAreas.All.SelectMany(a => a.Children.Prepend(a)).Select(a => a.Title))
            .Distinct();
        AssertNoneMissing(used.Where(key => !en.ContainsKey(key)));
    }

    [Fact]
    public void Every_enum_value_shown_in_the_UI_has_a_resource()
    {
        var en = Load("SharedResource.resx");
        IEnumerable<string> Keys<T>(string prefix) where T : struct, Enum => Enum.GetNames<T>().Select(n => $"{prefix}.{n}");
        var keys = Keys<PackageStatus>("PackageStatus").Concat(Keys<CustomerSegment>("Segment")).Concat(Keys<BillingPeriod>("Billing"))
            .Concat(Keys<PoolTier>("Tier")).Concat(Keys<PoolStatus>("PoolStatus")).Concat(Keys<PoolStatus>("PoolStatusChanged")).Concat(Keys<ModelStatus>("ModelStatus"))
            .Concat(Keys<Modality>("Modality")).Concat(Roles.All.Select(r => $"Role.{r}"));
        AssertNoneMissing(keys.Where(key => !en.ContainsKey(key)));
    }

    private static void AssertNoneMissing(IEnumerable<string> missing)
    {
        var list = missing.ToList();
        Assert.True(list.Count == 0, "No resource for: " + string.Join(" | ", list));
    }

    [GeneratedRegex("""L\["([^"$]+)"\]""")]
    private static partial Regex LocalizedLiteral();
}
