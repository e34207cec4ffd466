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
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }

    private PackageErrors Current => LatestErrors?.Invoke() ?? Errors;

    protected bool Err(string field) => Current.ContainsKey(field);

    protected string? Msg(string field) => Current.TryGetValue(field, out var messages)
        ? string.Join(" ", messages.Select(m => Localizer[m.Key, m.Args].Value))
        : null;

    protected Func<T, string?> Check<T>(string field) => Components.Shared.FieldValidation.Showing<T>(() => Msg(field));

    protected Task Changed() => OnChanged.InvokeAsync();
}
