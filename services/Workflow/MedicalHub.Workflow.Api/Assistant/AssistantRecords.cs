using MedicalHub.Data.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.Assistant;

/// <summary>What of a patient's record may leave for an AI provider.</summary>
public enum PhiPolicy
{
    /// <summary>Nothing: the assistant refuses every call about a patient.</summary>
    Nothing,

    /// <summary>Names, identifiers, dates and contacts replaced with placeholders before the call, restored after.</summary>
    Deidentified,

    /// <summary>The record as it is, allowed only with a signed agreement with the provider recorded.</summary>
    Full,
}

/// <summary>An organization's choice of AI provider (none: the assistant is off), its PHI policy and its monthly token budget.</summary>
public sealed class AssistantSettings : IOrganizationOwned
{
    public Guid OrganizationId { get; init; }

    /// <summary>One of the deployment's providers (<c>MedicalHub:Assistant:Providers</c>), or null: off.</summary>
    public string? Provider { get; set; }

    public PhiPolicy PhiPolicy { get; set; } = PhiPolicy.Nothing;

    /// <summary>The signed agreement (business associate / data processing agreement) that allows <see cref="PhiPolicy.Full"/>.</summary>
    public string? AgreementReference { get; set; }

    public string? AgreementSignedBy { get; set; }

    public DateOnly? AgreementSignedOn { get; set; }

    /// <summary>Tokens (in and out) the organization may spend per calendar month (UTC); null: no limit.</summary>
    public long? MonthlyTokenBudget { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }
}

/// <summary>One use of the assistant, whatever its outcome: who, which patient, why, which provider and model, what it cost and took.</summary>
public sealed class AssistantCall : IOrganizationOwned
{
    public Guid Id { get; init; }

    public Guid OrganizationId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary><c>user:&lt;id&gt;</c>.</summary>
    public required string Actor { get; init; }

    public Guid PatientId { get; init; }

    public Guid? DocumentId { get; init; }

    /// <summary><c>summary</c>, <c>document-summary</c>, <c>referral-letter</c>, <c>patient-message</c>, <c>question</c>.</summary>
    public required string Purpose { get; init; }

    public string? Provider { get; set; }

    public string? Model { get; set; }

    public PhiPolicy PhiPolicy { get; set; }

    /// <summary><c>succeeded</c>, <c>failed</c> (the provider), <c>refused</c> (policy, budget, configuration).</summary>
    public required string Outcome { get; set; }

    /// <summary>Why it failed or was refused, in our words (never the provider's text, which could repeat the prompt).</summary>
    public string? Failure { get; set; }

    public int? ProviderStatus { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public decimal CostEstimate { get; set; }

    public double LatencyMilliseconds { get; set; }

    public bool Streamed { get; set; }

    /// <summary>SHA-256 (hex) of the prompt as sent (after de-identification), and of the answer as received.</summary>
    public string? PromptHash { get; set; }

    public string? AnswerHash { get; set; }

    public int SourceCount { get; set; }
}

internal sealed class AssistantSettingsConfiguration : IEntityTypeConfiguration<AssistantSettings>
{
    public void Configure(EntityTypeBuilder<AssistantSettings> settings)
    {
        settings.ToTable("assistant_settings");
        settings.HasKey(s => s.OrganizationId);
        settings.Property(s => s.Provider).HasMaxLength(64);
        settings.Property(s => s.PhiPolicy).HasConversion<string>().HasMaxLength(16);
        settings.Property(s => s.AgreementReference).HasMaxLength(200);
        settings.Property(s => s.AgreementSignedBy).HasMaxLength(200);
        settings.Property(s => s.UpdatedBy).HasMaxLength(100);
    }
}

internal sealed class AssistantCallConfiguration : IEntityTypeConfiguration<AssistantCall>
{
    public void Configure(EntityTypeBuilder<AssistantCall> call)
    {
        call.ToTable("assistant_calls");
        call.HasKey(c => c.Id);
        call.HasIndex(c => new { c.OrganizationId, c.At });
        call.HasIndex(c => new { c.OrganizationId, c.PatientId, c.At });
        call.Property(c => c.Actor).HasMaxLength(100);
        call.Property(c => c.Purpose).HasMaxLength(32);
        call.Property(c => c.Provider).HasMaxLength(64);
        call.Property(c => c.Model).HasMaxLength(100);
        call.Property(c => c.PhiPolicy).HasConversion<string>().HasMaxLength(16);
        call.Property(c => c.Outcome).HasMaxLength(16);
        call.Property(c => c.Failure).HasMaxLength(500);
        call.Property(c => c.CostEstimate).HasPrecision(12, 6);
        call.Property(c => c.PromptHash).HasMaxLength(64);
        call.Property(c => c.AnswerHash).HasMaxLength(64);
    }
}
