using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using TokenConsole.Localization;

namespace TokenConsole.Features.Pricing;

/// <summary>How the pricing pages describe rules and statuses, localized.</summary>
public static class PricingText
{
    public static string Scope(PriceRule rule, PricingLookups names, IStringLocalizer L)
    {
        var chinese = Display.IsChinese();
        var s = rule.Scope;
        var parts = new List<string>();
        if (s.PackageIds.Count > 0)
        {
            parts.Add($"{L["Package"]}: {string.Join(", ", s.PackageIds.Select(id => names.Package(id, chinese)))}");
        }

        if (s.ModelIds.Count > 0)
        {
            parts.Add($"{L["Model"]}: {string.Join(", ", s.ModelIds.Select(names.Model))}");
        }

        if (s.RegionCodes.Count > 0)
        {
            parts.Add($"{L["Region"]}: {string.Join(", ", s.RegionCodes.Select(c => names.Region(c, chinese)))}");
        }

        if (s.IndustryCodes.Count > 0)
        {
            parts.Add($"{L["Industry"]}: {string.Join(", ", s.IndustryCodes.Select(c => names.Industry(c, chinese)))}");
        }

        if (s.Segments.Count > 0)
        {
            parts.Add($"{L["Segment"]}: {string.Join(", ", s.Segments.Select(x => L[$"Segment.{x}"].Value))}");
        }

        if (s.HasHourWindow)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{L["Hours"]}: {s.HourFrom:00}:00–{s.HourTo:00}:00"));
        }

        if (s.Days.Count > 0)
        {
            parts.Add($"{L["Days"]}: {string.Join(", ", s.Days.Select(d => CultureInfo.CurrentUICulture.DateTimeFormat.GetAbbreviatedDayName(d)))}");
        }

        if (s.MinMonthlyTokens is { } min)
        {
            parts.Add($"{L["Monthly volume ≥"]} {Display.Compact(min)}");
        }

        if (!string.IsNullOrWhiteSpace(rule.AdvancedExpression))
        {
            parts.Add($"{L["Expression"]}: {rule.AdvancedExpression}");
        }

        return parts.Count == 0 ? L["Every event"] : string.Join(" · ", parts);
    }

    public static string Effect(PriceRule rule, IStringLocalizer L) => rule.Effect switch
    {
        PriceEffectKind.Percentage => string.Create(CultureInfo.CurrentCulture, $"{rule.Value:+0.##;-0.##} %"),
        PriceEffectKind.AbsolutePerMTok => string.Create(CultureInfo.CurrentCulture, $"{rule.Value:+0.####;-0.####} ¥ / {L["M tokens"]}"),
        _ => string.Create(CultureInfo.CurrentCulture, $"{L["Unit price"]} ¥{rule.Value:0.####} / {L["M tokens"]}"),
    };

    public static Color StatusColor(PriceChangeStatus status) => status switch
    {
        PriceChangeStatus.Draft => Color.Default,
        PriceChangeStatus.PendingApproval => Color.Warning,
        PriceChangeStatus.Approved or PriceChangeStatus.Scheduled => Color.Info,
        PriceChangeStatus.Active => Color.Success,
        PriceChangeStatus.Rejected => Color.Error,
        _ => Color.Dark,
    };

    public static string Time(DateTimeOffset at) => Localization.Display.DateTime(at);
}
