namespace MedicalHub.Workflow.Api.DecisionSupport;

/// <summary>Decision support in Workflow: the CDS Hooks service, the organizations' FHIRPath rules and their evaluation.</summary>
public static class DecisionSupportServices
{
    public static IHostApplicationBuilder AddDecisionSupport(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DecisionSupportOptions>(builder.Configuration.GetSection(DecisionSupportOptions.SectionName));
        builder.Services.AddSingleton<RuleEvaluator>();
        builder.Services.AddScoped<RuleLibrary>();
        builder.Services.AddScoped<PatientDataLoader>();
        builder.Services.AddHttpClient(PatientDataLoader.HttpClientName);
        return builder;
    }

    public static WebApplication MapDecisionSupport(this WebApplication app)
    {
        app.MapCdsHooksApi();
        app.MapDecisionRulesApi();
        return app;
    }
}
