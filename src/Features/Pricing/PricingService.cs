using Microsoft.EntityFrameworkCore;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>Names for the pricing pages: packages, models, regions, industries.</summary>
public sealed record PricingLookups(
    IReadOnlyList<(int Id, string Code, string NameEn, string NameZh)> Packages,
    IReadOnlyList<(int Id, string Name)> Models,
    IReadOnlyList<(string Code, string NameEn, string NameZh)> Regions,
    IReadOnlyList<(string Code, string NameEn, string NameZh)> Industries)
{
    public string Package(int id, bool chinese) => Packages.FirstOrDefault(p => p.Id == id) is { Code: not null } p ? p.Code : $"#{id}";
    public string Model(int id) => Models.FirstOrDefault(m => m.Id == id) is { Name: not null } m ? m.Name : $"#{id}";
    public string Region(string code, bool chinese) => Regions.FirstOrDefault(r => r.Code == code) is { Code: not null } r ? (chinese ? r.NameZh : r.NameEn) : code;
    public string Industry(string code, bool chinese) => Industries.FirstOrDefault(r => r.Code == code) is { Code: not null } r ? (chinese ? r.NameZh : r.NameEn) : code;
}

/// <summary>One ruleset version with what changed against the version it replaced.</summary>
public sealed record RuleSetVersionView(PriceRuleSetVersion Version, IReadOnlyList<PriceRule> Rules, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);

/// <summary>Reads the price rule set versions (with their diff), the price changes and the names the pages show.</summary>
public sealed class PricingService(IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    public async Task<IReadOnlyList<RuleSetVersionView>> RuleSetHistoryAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var versions = await db.PriceRuleSetVersions.AsNoTracking().OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        var rulesById = versions.ToDictionary(v => v.Id, v => RuleSetEngine.FromWorkflowJson(v.WorkflowJson));
        return [.. versions.Select(v =>
        {
            var rules = rulesById[v.Id];
            var previous = v.PreviousVersionId is { } p && rulesById.TryGetValue(p, out var r) ? r : [];
            var before = previous.ToDictionary(x => x.Name, StringComparer.Ordinal);
            var after = rules.ToDictionary(x => x.Name, StringComparer.Ordinal);
            return new RuleSetVersionView(v, rules,
                [.. after.Keys.Where(k => !before.ContainsKey(k))],
                [.. before.Keys.Where(k => !after.ContainsKey(k))],
                [.. after.Where(a => before.TryGetValue(a.Key, out var b) && !Same(a.Value, b)).Select(a => a.Key)]);
        })];
    }

    private static bool Same(PriceRule a, PriceRule b) =>
        System.Text.Json.JsonSerializer.Serialize(a, RuleSetEngine.Json) == System.Text.Json.JsonSerializer.Serialize(b, RuleSetEngine.Json);

    public async Task<IReadOnlyList<PriceChange>> PriceChangesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PriceChanges.AsNoTracking().OrderByDescending(c => c.Id).ToListAsync(cancellationToken);
    }

    public async Task<PricingLookups> LookupsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var packages = await db.Packages.AsNoTracking().Where(p => p.ActiveVersionId != null).OrderBy(p => p.Code)
            .Select(p => new { p.Id, p.Code, p.ActiveVersion!.NameEn, p.ActiveVersion.NameZh }).ToListAsync(cancellationToken);
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Id).Select(m => new { m.Id, m.Name }).ToListAsync(cancellationToken);
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Code).Select(r => new { r.Code, r.NameEn, r.NameZh }).ToListAsync(cancellationToken);
        var industries = await db.Industries.AsNoTracking().OrderBy(r => r.Code).Select(r => new { r.Code, r.NameEn, r.NameZh }).ToListAsync(cancellationToken);
        return new PricingLookups(
            [.. packages.Select(p => (p.Id, p.Code, p.NameEn, p.NameZh))],
            [.. models.Select(m => (m.Id, m.Name))],
            [.. regions.Select(r => (r.Code, r.NameEn, r.NameZh))],
            [.. industries.Select(r => (r.Code, r.NameEn, r.NameZh))]);
    }
}
