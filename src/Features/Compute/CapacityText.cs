using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace TokenConsole.Features.Compute;

/// <summary>How capacity figures and compute alerts read and look, shared by the capacity page, the app bar and the activation check.</summary>
public static class CapacityText
{
    /// <summary>An oversubscription ratio for people: 2.5×, or ∞ when nothing is deployed.</summary>
    public static string Ratio(double ratio, CultureInfo? culture = null) =>
        double.IsPositiveInfinity(ratio) ? "∞" : ratio.ToString(ratio >= 100 ? "#,0" : "0.0#", culture ?? CultureInfo.CurrentCulture) + "×";

    public static Color BandColor(LoadBand band) => band switch
    {
        LoadBand.Red => Color.Error,
        LoadBand.Amber => Color.Warning,
        _ => Color.Success,
    };

    /// <summary>Red beyond the threshold, amber from 80 % of it (the next launches may cross it), green below.</summary>
    public static Color RatioColor(double ratio, double threshold) =>
        ratio > threshold ? Color.Error : ratio >= threshold * 0.8 ? Color.Warning : Color.Success;

    public static string Icon(ComputeAlertKind kind) => kind switch
    {
        ComputeAlertKind.PoolOverloaded => Icons.Material.Filled.Speed,
        ComputeAlertKind.ModelOversubscribed => Icons.Material.Filled.TrendingUp,
        ComputeAlertKind.PoolInMaintenance => Icons.Material.Filled.Build,
        ComputeAlertKind.PoolDraining => Icons.Material.Filled.HourglassBottom,
        _ => Icons.Material.Filled.CloudOff,
    };

    public static string Describe(ComputeAlert alert, IStringLocalizer L)
    {
        var subject = alert.SubjectIn(Localization.Display.IsChinese());
        return alert.Kind switch
        {
            ComputeAlertKind.PoolOverloaded => L["{0} peaked at {1} of its capacity in the last 24 hours.", subject, Localization.Display.Percent(alert.Value)],
            ComputeAlertKind.ModelOversubscribed => L["{0} is sold at {1} its deployed capacity (threshold {2}).", subject, Ratio(alert.Value), Ratio(alert.Threshold)],
            ComputeAlertKind.PoolInMaintenance when alert.Value > 0 => L["{0} is in maintenance and still has {1} tokens/s of deployments on it.", subject, Localization.Display.Number(alert.Value)],
            ComputeAlertKind.PoolInMaintenance => L["{0} is in maintenance.", subject],
            ComputeAlertKind.PoolDraining when alert.Value > 0 => L["{0} is draining and still has {1} tokens/s of deployments on it.", subject, Localization.Display.Number(alert.Value)],
            ComputeAlertKind.PoolDraining => L["{0} is draining.", subject],
            _ => L["{0} is on sale without a primary deployment on an online pool.", subject],
        };
    }

    /// <summary>
    /// Two sentences as one text: a space between them in English, none after a Chinese full stop (where a space reads as
    /// a stray gap).
    /// </summary>
    public static string Sentences(string first, string second) => Localization.Display.IsChinese() ? first + second : first + " " + second;
}
