using Microsoft.Extensions.Localization;
using TokenConsole.Features.Catalog;
using TokenConsole.Localization;

namespace TokenConsole.Features.Compute;

/// <summary>Warns the approver of a package version when its launch would oversubscribe a model (see <see cref="CapacityService.WouldExceedAsync"/>).</summary>
public sealed class CapacityActivationCheck(CapacityService capacity, IStringLocalizer<SharedResource> L) : IPackageActivationCheck
{
    public async Task<IReadOnlyList<string>> CheckAsync(PackageVersion version, CancellationToken cancellationToken)
    {
        var excesses = await capacity.WouldExceedAsync(version, cancellationToken);
        // Once the version is on sale the approver reads what the launch did, not what it would do (issue 12, item 18).
        var onSale = version.Status == PackageStatus.Active;
        return [.. excesses.Select(e => double.IsPositiveInfinity(e.ResultingRatio)
            ? L["{0} has no primary capacity on an online pool: everything sold on it is beyond capacity.", e.Model.Name].Value
            : L[onSale
                    ? "With this version on sale, the sold commitment on {0} goes from {1} to {2} its deployed capacity once it sells as the package does now (threshold {3})."
                    : "Launching this version would raise the sold commitment on {0} from {1} to {2} its deployed capacity (threshold {3}).",
                e.Model.Name, Ratio(e.CurrentRatio), Ratio(e.ResultingRatio), Ratio(capacity.Threshold)].Value)];
    }

    private static string Ratio(double ratio) => CapacityText.Ratio(ratio);
}
