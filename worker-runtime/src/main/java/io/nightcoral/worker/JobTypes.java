package io.nightcoral.worker;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds a handler class's job type {@code J} in its {@code JobHandler<J, S>} declaration. */
final class JobTypes {

  private JobTypes() {}

  /**
   * Returns {@code J} as {@code handlerClass} declares it, directly or through generic superclasses
   * and interfaces whose type variables it binds.
   *
   * @throws IllegalArgumentException if {@code J} is not bound to a concrete type
   */
  static JavaType of(Class<?> handlerClass, TypeFactory types) {
    JavaType jobType = search(handlerClass, Map.of(), types);
    if (jobType == null) {
      throw new IllegalArgumentException(
          "cannot tell the job type of handler class "
              + handlerClass.getName()
              + ": declare `implements JobHandler<MyJob, S>` (or extend a"
              + " class that does) with a concrete job type");
    }
    return jobType;
  }

  /** Returns J as seen through {@code type}, whose outer type variables {@code bindings} bind. */
  private static JavaType search(
      Type type, Map<TypeVariable<?>, JavaType> bindings, TypeFactory types) {
    Class<?> raw =
        type instanceof ParameterizedType p
            ? (Class<?>) p.getRawType()
            : type instanceof Class<?> c ? c : null;
    if (raw == null || !JobHandler.class.isAssignableFrom(raw)) {
      return null;
    }
    Map<TypeVariable<?>, JavaType> own = bind(type, raw, bindings, types);
    if (raw == JobHandler.class) {
      return own.get(raw.getTypeParameters()[0]);
    }
    for (Type parent : parents(raw)) {
      JavaType jobType = search(parent, own, types);
      if (jobType != null) {
        return jobType;
      }
    }
    return null;
  }

  /** Maps the type variables of {@code raw} to the arguments {@code type} gives them. */
  private static Map<TypeVariable<?>, JavaType> bind(
      Type type, Class<?> raw, Map<TypeVariable<?>, JavaType> bindings, TypeFactory types) {
    if (!(type instanceof ParameterizedType parameterized)) {
      return Map.of();
    }
    TypeVariable<?>[] variables = raw.getTypeParameters();
    Type[] arguments = parameterized.getActualTypeArguments();
    Map<TypeVariable<?>, JavaType> own = new HashMap<>();
    for (int i = 0; i < variables.length; i++) {
      JavaType argument = resolve(arguments[i], bindings, types);
      if (argument != null) {
        own.put(variables[i], argument);
      }
    }
    return own;
  }

  /** Returns {@code type} with its type variables bound, or null if one is unbound. */
  private static JavaType resolve(
      Type type, Map<TypeVariable<?>, JavaType> bindings, TypeFactory types) {
    if (type instanceof Class<?> c) {
      return types.constructType(c);
    }
    if (type instanceof TypeVariable<?> variable) {
      return bindings.get(variable);
    }
    if (type instanceof WildcardType wildcard) {
      return resolve(wildcard.getUpperBounds()[0], bindings, types);
    }
    if (type instanceof GenericArrayType array) {
      JavaType component = resolve(array.getGenericComponentType(), bindings, types);
      return component == null ? null : types.constructArrayType(component);
    }
    if (type instanceof ParameterizedType parameterized) {
      Type[] arguments = parameterized.getActualTypeArguments();
      JavaType[] resolved = new JavaType[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        resolved[i] = resolve(arguments[i], bindings, types);
        if (resolved[i] == null) {
          return null;
        }
      }
      return types.constructParametricType((Class<?>) parameterized.getRawType(), resolved);
    }
    return null;
  }

  private static List<Type> parents(Class<?> raw) {
    List<Type> parents = new ArrayList<>(List.of(raw.getGenericInterfaces()));
    if (raw.getGenericSuperclass() != null) {
      parents.add(raw.getGenericSuperclass());
    }
    return parents;
  }
}
