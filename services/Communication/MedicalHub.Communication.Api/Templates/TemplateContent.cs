namespace MedicalHub.Communication.Api.Templates;

/// <summary>The Liquid sources of one template variant.</summary>
/// <param name="Locale">The variant's locale; empty for the one used when no locale matches.</param>
/// <param name="Source"><c>organization</c> (its own override) or <c>system</c> (shipped default).</param>
public sealed record TemplateContent(string Key, string Locale, string? Subject, string TextBody, string? HtmlBody, string Source);

public sealed record RenderedContent(string? Subject, string TextBody, string? HtmlBody, string Locale);
