using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using TokenConsole.Localization;

namespace TokenConsole.Features.Catalog;

/// <summary>A section of the package designer: edits part of the form and shows each field's messages beside it.</summary>
public abstract class DesignerSection : ComponentBase
{
    [Inject] protected IStringLocalizer<SharedResource> Localizer { get; set; } = default!;

    [Parameter, EditorRequired] public PackageForm Form { get; set; } = default!;
    [Parameter] public PackageErrors Errors { get; set; } = new();
    /// <summary>The form's errors as they are now: a field validates itself right after a change, before this section is rendered again.</summary>
    [Parameter] public Func<PackageErrors>? LatestErrors { get; set; }
    /// <summary>
    /// Whether a field's messages are shown yet (a blank new package is not all red before anything is typed); every
    /// field's when not given.
    /// </summary>
    [Parameter] public Func<string, bool>? Shows { get; set; }
    [Parameter] public bool ReadOnly { get; set; }
    /// <summary>Called after a change with the fields it touched (e.g. <c>Code</c>, <c>Tiers[1].From</c>, <c>Tiers</c> for a row added).</summary>
    [Parameter] public EventCallback<string[]> OnChanged { get; set; }

    private PackageErrors Current => LatestErrors?.Invoke() ?? Errors;

    private bool Showing(string field) => Shows?.Invoke(field) ?? true;

    protected bool Err(string field) => Showing(field) && Current.ContainsKey(field);

    protected string? Msg(string field) => Showing(field) && Current.TryGetValue(field, out var messages)
        ? string.Join(" ", messages.Select(m => Localizer[m.Key, m.Args].Value))
        : null;

    protected Func<T, string?> Check<T>(string field) => Components.Shared.FieldValidation.Showing<T>(() => Msg(field));

    protected Task Changed(params string[] fields) => OnChanged.InvokeAsync(fields);
}
