/** Contracts shared by Podium's services: addresses, error codes, service-proxy interfaces. */
package dev.podium.api;
