using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace TokenConsole.Features.Admin;

/// <summary>
/// The names of the fields an audit entry records (the properties of the snapshot records, e.g. <c>Status</c>,
/// <c>Tiers[0]</c>), in the reader's language: the resource key is <c>field.</c> + the property name.
/// </summary>
public static partial class AuditFields
{
    public static string ResourceKey(string name) => "field." + name;

    /// <summary>A field's path with each name in it localized; a name without a resource stays as recorded.</summary>
    public static string Display(string path, IStringLocalizer localizer) =>
        Name().Replace(path, m => localizer[ResourceKey(m.Value)] is { ResourceNotFound: false } name ? name.Value : m.Value);

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Name();
}
