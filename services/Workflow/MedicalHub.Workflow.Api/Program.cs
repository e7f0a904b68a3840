using MedicalHub.Data.Migrations;
using MedicalHub.Workflow.Api.Extensions;
using MedicalHub.Workflow.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapWorkflowApis();

await app.RunWithMigrationsAsync<WorkflowDbContext>(args);
