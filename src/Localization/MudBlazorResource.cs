namespace TokenConsole.Localization;

/// <summary>Marker type of MudBlazorResource.resx: MudBlazor's own strings (pager, loading, filters…), translated.</summary>
public sealed class MudBlazorResource;
