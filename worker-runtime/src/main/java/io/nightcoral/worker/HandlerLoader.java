package io.nightcoral.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.nightcoral.protocol.Setup;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/** Loads the handler class a Setup message names, makes an instance and runs its setup. */
final class HandlerLoader {

  private final ObjectMapper types;

  /**
   * A loader that resolves handlers' job types with {@code types}; jobs and the worker
   * configuration are read with each handler's own {@link JobHandler#objectMapper()}.
   */
  HandlerLoader(ObjectMapper types) {
    this.types = types;
  }

  /** Returns a ready invoker for the handler {@code setup} names, or explains why there is none. */
  HandlerInvoker<?, ?> load(Setup setup) throws SetupException {
    String name = setup.getHandlerClass();
    Class<?> type = loadClass(name);
    try {
      JobTypes.of(type, types.getTypeFactory()); // checked before any handler code runs
    } catch (IllegalArgumentException e) {
      throw new SetupException(e.getMessage(), null);
    }
    JobHandler<Object, Object> handler = instantiate(type);
    ObjectMapper mapper = mapperOf(handler, name);
    JsonNode config = parseConfig(mapper, name, setup.getConfigJson());
    JavaType jobType =
        JobTypes.of(type, mapper.getTypeFactory()); // as the handler's mapper sees it
    JobCodec<Object> codec = new JobCodec<>(mapper, jobType);
    Portal<Object> portal = new Portal<>(setup.getWorkerId(), codec);
    Object state;
    try {
      state = handler.setup(config, portal);
    } catch (Throwable thrown) {
      throw new SetupException("setup of handler class " + name + " threw " + thrown, thrown);
    }
    return new HandlerInvoker<>(handler, state, codec, portal);
  }

  private static Class<?> loadClass(String name) throws SetupException {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : ClassLoader.getSystemClassLoader();
    Class<?> type;
    try {
      type = Class.forName(name, true, loader);
    } catch (ClassNotFoundException e) {
      throw new SetupException("handler class " + name + " not found on the worker class path", e);
    } catch (LinkageError e) {
      throw new SetupException("handler class " + name + " could not be loaded: " + e, e);
    }
    if (!JobHandler.class.isAssignableFrom(type)) {
      throw new SetupException(
          "handler class " + name + " does not implement " + JobHandler.class.getName(), null);
    }
    return type;
  }

  @SuppressWarnings("unchecked") // checked against JobHandler by loadClass; J and S by JobTypes
  private static JobHandler<Object, Object> instantiate(Class<?> type) throws SetupException {
    String name = type.getName();
    if (Modifier.isAbstract(type.getModifiers())) {
      throw new SetupException("handler class " + name + " is abstract or an interface", null);
    }
    try {
      return (JobHandler<Object, Object>) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new SetupException(
          "handler class " + name + " needs to be public with a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new SetupException(
          "the constructor of handler class " + name + " threw " + e.getCause(), e.getCause());
    } catch (Throwable thrown) {
      throw new SetupException(
          "handler class " + name + " could not be created: " + thrown, thrown);
    }
  }

  private static ObjectMapper mapperOf(JobHandler<?, ?> handler, String name)
      throws SetupException {
    ObjectMapper mapper;
    try {
      mapper = handler.objectMapper();
    } catch (Throwable thrown) {
      throw new SetupException(
          "objectMapper() of handler class " + name + " threw " + thrown, thrown);
    }
    if (mapper == null) {
      throw new SetupException("objectMapper() of handler class " + name + " returned null", null);
    }
    return mapper;
  }

  private static JsonNode parseConfig(ObjectMapper mapper, String name, String json)
      throws SetupException {
    if (json.isEmpty()) {
      return NullNode.getInstance();
    }
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SetupException(
          "the worker config for handler class "
              + name
              + " is not valid JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }
}
