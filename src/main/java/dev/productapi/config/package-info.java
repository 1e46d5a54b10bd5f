/**
 * The environment contract: translating the documented variables into Spring properties,
 * checking each one and naming it in every complaint, the database URL forms, JSON
 * strictness and the OpenAPI document. It uses no other package of the application.
 */
package dev.productapi.config;
