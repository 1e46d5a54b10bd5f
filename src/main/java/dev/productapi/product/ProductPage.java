package dev.productapi.product;

import java.util.List;

/** A page of a list, and where the next page starts ({@code null} on the last page). */
public record ProductPage(List<Product> items, ListPosition next) {
}
