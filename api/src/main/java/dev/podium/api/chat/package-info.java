@ModuleGen(name = "podium-chat", groupPackage = "dev.podium.api")
package dev.podium.api.chat;

import io.vertx.codegen.annotations.ModuleGen;
