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
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public EventCallback OnChanged { get; set; }

    protected bool Err(string field) => Errors.ContainsKey(field);

    protected string? Msg(string field) => Errors.TryGetValue(field, out var messages)
        ? string.Join(" ", messages.Select(m => Localizer[m.Key, m.Args].Value))
        : null;

    protected Task Changed() => OnChanged.InvokeAsync();
}
