using Microsoft.Extensions.Localization;
using MudBlazor;

namespace TokenConsole.Localization;

/// <summary>
/// Gives MudBlazor's built-in strings ("Rows per page", "Loading…", filter operators) in the UI language; MudBlazor
/// ships English only. A key without a translation reports ResourceNotFound, and MudBlazor uses its English text.
/// </summary>
internal sealed class ConsoleMudLocalizer(IStringLocalizer<MudBlazorResource> localizer) : MudLocalizer
{
    public override LocalizedString this[string key] => localizer[key];

    public override LocalizedString this[string key, params object[] arguments] => localizer[key, arguments];
}
