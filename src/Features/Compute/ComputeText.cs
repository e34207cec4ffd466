using System.Globalization;
using Microsoft.Extensions.Localization;
using TokenConsole.Data.Writes;
using TokenConsole.Localization;

namespace TokenConsole.Features.Compute;

/// <summary>Refusals of <see cref="ComputeEditService"/> in the person's language, numbers formatted for the culture.</summary>
public static class ComputeText
{
    public static string Message(IStringLocalizer localizer, Refusal refusal) =>
        Format(localizer, refusal.Code, refusal.Args);

    public static string Format(IStringLocalizer localizer, string key, params object[] args) =>
        string.Format(CultureInfo.CurrentCulture, localizer[key], [.. args.Select(a => a switch
        {
            long or int or double => Display.Number(Convert.ToDouble(a, CultureInfo.InvariantCulture)),
            _ => a,
        })]);

    /// <summary>Tokens per second, compact (1.2K / 1.2万) with the unit.</summary>
    public static string Rate(IStringLocalizer localizer, double tokensPerSecond) =>
        string.Format(CultureInfo.CurrentCulture, localizer["{0} tokens/s"], Display.Number(tokensPerSecond));
}
