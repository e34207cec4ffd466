using Microsoft.Extensions.Localization;
using TokenConsole.Localization;

namespace TokenConsole.Features.Billing;

/// <summary>How a bill's parts read on its page and print view, in the reader's language.</summary>
public static class BillText
{
    public static string Month(int period, System.Globalization.CultureInfo? culture = null) =>
        Display.Month(new DateOnly(period / 100, period % 100, 1), culture);

    public static string Fen(long fen) => Display.Money(fen / 100m);

    /// <summary>A line's description: what it bills, with the package's or model's name.</summary>
    public static string Description(BillView view, BillLine line, IStringLocalizer l)
    {
        var chinese = Display.IsChinese();
        return line.Kind switch
        {
            BillLineKind.Fee => l["Fee: {0}", view.PackageName(line.PackageId, chinese)],
            BillLineKind.TopUp => l["Top-up pack: {0}", view.PackageName(line.PackageId, chinese)],
            BillLineKind.Usage => l["Usage beyond the allowance: {0}", view.ModelName(line.ModelId)],
            BillLineKind.LateUsage => l["Late usage of {0}: {1}", Month(line.UsageMonth ?? view.Bill.Period), view.ModelName(line.ModelId)],
            _ => l["Credit note {0}: {1}", line.CreditNoteId ?? 0, line.Detail ?? ""],
        };
    }

    /// <summary>Days (fees), packs (top-ups) or billable tokens (usage).</summary>
    public static string Quantity(BillLine line, IStringLocalizer l) => line.Kind switch
    {
        BillLineKind.Fee => l["{0} days", Display.Number(line.Quantity)],
        BillLineKind.Usage or BillLineKind.LateUsage => l["{0} tokens", Display.Number(line.Quantity)],
        _ => Display.Number(line.Quantity),
    };

    public static string UnitPrice(BillLine line, IStringLocalizer l) => line.Kind switch
    {
        BillLineKind.Fee => l["{0} per period", Display.Money(line.UnitPrice)],
        BillLineKind.Usage or BillLineKind.LateUsage => l["{0} per million", Display.Money(line.UnitPrice)],
        _ => Display.Money(line.UnitPrice),
    };

    /// <summary>"price rules applied: +¥1.20 (v3, v4)": the summed effect of the rule sets in force that month, honestly no finer.</summary>
    public static string? RulesEffect(BillLine line, IStringLocalizer l)
    {
        if (line.RulesEffectMicros == 0)
        {
            return null;
        }
        var signed = Signed(Data.Money.ToFen(line.RulesEffectMicros));
        return line.Detail is { Length: > 0 } versions ? l["price rules applied: {0} ({1})", signed, versions] : l["price rules applied: {0}", signed];
    }

    /// <summary>Each price rule that changed a usage line, with its effect to the fen: "Night discount (v3): −¥12.34".</summary>
    public static IEnumerable<string> RuleEffects(BillLine line, IStringLocalizer l) =>
        line.RuleEffects.Select(e => l["{0} (v{1}): {2}", e.RuleName, e.RuleSetVersion, Signed(e.EffectFen / 100m)].Value);

    /// <summary>"−¥0.40", held together by a word joiner: on a phone the line broke between the sign and the amount.</summary>
    internal static string Signed(decimal yuan) => (yuan > 0 ? "+\u2060" : yuan < 0 ? "−\u2060" : "") + Display.Money(Math.Abs(yuan));

    public static string VatLabel(decimal rate) => (rate * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
