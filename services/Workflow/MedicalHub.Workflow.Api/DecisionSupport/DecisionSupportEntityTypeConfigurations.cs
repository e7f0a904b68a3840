using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalHub.Workflow.Api.DecisionSupport;

internal sealed class DecisionRuleConfiguration : IEntityTypeConfiguration<DecisionRule>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<DecisionRule> rule)
    {
        rule.ToTable("decision_rules");
        rule.HasKey(r => r.Id);
        rule.HasIndex(r => new { r.OrganizationId, r.Key, r.Version }).IsUnique();
        // At most one active version of a rule: the database keeps it so even when two activations race.
        rule.HasIndex(r => new { r.OrganizationId, r.Key }).IsUnique().HasFilter("status = 'Active'").HasDatabaseName("ix_decision_rules_one_active");
        rule.Property(r => r.Key).HasMaxLength(64);
        rule.Property(r => r.Title).HasMaxLength(200);
        rule.Property(r => r.Applicability).HasMaxLength(4000);
        rule.Property(r => r.Condition).HasMaxLength(4000);
        rule.Property(r => r.CreatedBy).HasMaxLength(100);
        rule.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        rule.Property(r => r.Card).HasColumnType("jsonb").HasConversion(
            card => JsonSerializer.Serialize(card, Json),
            json => JsonSerializer.Deserialize<CardTemplate>(json, Json)!);
        rule.Ignore(r => r.Definition);
    }
}

internal sealed class RuleEvaluationFailureConfiguration : IEntityTypeConfiguration<RuleEvaluationFailure>
{
    public void Configure(EntityTypeBuilder<RuleEvaluationFailure> failure)
    {
        failure.ToTable("decision_rule_failures");
        failure.HasKey(f => f.Id);
        failure.HasIndex(f => new { f.OrganizationId, f.At });
        failure.Property(f => f.RuleKey).HasMaxLength(64);
        failure.Property(f => f.Hook).HasMaxLength(32);
        failure.Property(f => f.Kind).HasMaxLength(16);
        failure.Property(f => f.Reason).HasMaxLength(1000);
    }
}

internal sealed class CdsFeedbackConfiguration : IEntityTypeConfiguration<CdsFeedback>
{
    public void Configure(EntityTypeBuilder<CdsFeedback> feedback)
    {
        feedback.ToTable("cds_feedback");
        feedback.HasKey(f => f.Id);
        feedback.HasIndex(f => new { f.OrganizationId, f.CardUuid });
        feedback.Property(f => f.ServiceId).HasMaxLength(64);
        feedback.Property(f => f.Outcome).HasMaxLength(16);
        feedback.Property(f => f.OverrideReasonCode).HasMaxLength(100);
        feedback.Property(f => f.OverrideReasonSystem).HasMaxLength(300);
        feedback.Property(f => f.UserComment).HasMaxLength(2000);
        feedback.Property(f => f.Actor).HasMaxLength(100);
    }
}
